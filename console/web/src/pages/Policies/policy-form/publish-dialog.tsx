import { diffPolicyDocuments, fieldIssues, policyDocument } from '@dlp/shared';
import { useApi } from '../../../api';
import { Dialog } from '../../../components/dialog';
import { DialogActions } from '../../../components/dialog-actions';
import { ErrorBanner } from '../../../components/error-banner';
import { useLoader } from '../../../hooks/use-loader';
import { useI18n } from '../../../i18n';
import { PolicyChangeList } from '../policy-diff-view';
import { affectedGroups, describeGroups, totalHosts, type AffectedGroup } from './affected-groups';

/** The published version and the groups that enforce it, which both confirmations name. */
export function usePublishedPolicy(policyId: string) {
  const api = useApi();
  return useLoader(async () => {
    const [current, groups] = await Promise.all([api.policies.get(policyId), api.groups.list()]);
    return { current, groups: affectedGroups(groups, policyId) };
  }, policyId);
}

/** What publishing sends: to which groups and how many hosts, as one sentence. */
export function ReachSentence({ groups, name, version }: { groups: readonly AffectedGroup[]; name: string; version: number }) {
  const { t } = useI18n();
  return (
    <p className="confirm-message" data-testid="publish-reach">
      {groups.length === 0
        ? t('pf.publish.reachNone', { name, version })
        : t('pf.publish.reach', { name, version, groups: describeGroups(groups, t), count: groups.length, hosts: totalHosts(groups) })}
    </p>
  );
}

/**
 * Asks before publishing: the changes against the published version (the shared diff) and the
 * groups and hosts that will receive the new version. Only Publish in the dialog publishes.
 */
export function PublishDialog({ policyId, document, running, error, onConfirm, onCancel }: { policyId: string; document: unknown; running: boolean; error: unknown; onConfirm(): void; onCancel(): void }) {
  const { t } = useI18n();
  const published = usePublishedPolicy(policyId);
  const parsed = policyDocument.safeParse(document);
  const data = published.data;
  return (
    <Dialog title={t('pf.publish.title')} onClose={onCancel} wide>
      {published.loading && <p className="muted">{t('app.loading')}</p>}
      {published.error !== null && <ErrorBanner error={published.error} onRetry={() => void published.reload()} />}
      {data && <ReachSentence groups={data.groups} name={data.current.policy.name} version={data.current.policy.version + 1} />}
      {data && parsed.success && (
        <section className="pf-publish-changes" data-testid="publish-changes">
          <h3>{t('pf.publish.changes', { version: data.current.policy.version })}</h3>
          <PolicyChangeList {...diffPolicyDocuments(data.current.document, parsed.data)} />
        </section>
      )}
      {!parsed.success && (
        <div className="banner banner-error" role="alert">
          {t('pf.publish.invalid', { problems: fieldIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`).join('; ') })}
        </div>
      )}
      {error !== null && <ErrorBanner error={error} />}
      <DialogActions onCancel={onCancel} onSubmit={onConfirm} running={running} disabled={!data || !parsed.success} label={t('pf.publish.confirm')} focusCancel />
    </Dialog>
  );
}

/** Asks before deleting the draft, naming the groups and hosts that keep the published version. */
export function DeleteDraftDialog({ policyId, running, error, onConfirm, onCancel }: { policyId: string; running: boolean; error: unknown; onConfirm(): void; onCancel(): void }) {
  const { t } = useI18n();
  const published = usePublishedPolicy(policyId);
  const data = published.data;
  return (
    <Dialog title={t('pf.delete.title')} onClose={onCancel}>
      {published.error !== null && <ErrorBanner error={published.error} onRetry={() => void published.reload()} />}
      {data && (
        <p className="confirm-message" data-testid="delete-reach">
          {data.groups.length === 0
            ? t('pf.delete.messageNoGroups', { name: data.current.policy.name })
            : t('pf.delete.message', { name: data.current.policy.name, version: data.current.policy.version, groups: describeGroups(data.groups, t), hosts: totalHosts(data.groups) })}
        </p>
      )}
      {error !== null && <ErrorBanner error={error} />}
      <DialogActions onCancel={onCancel} onSubmit={onConfirm} running={running} disabled={!data} danger label={t('pf.delete.confirm')} focusCancel />
    </Dialog>
  );
}
