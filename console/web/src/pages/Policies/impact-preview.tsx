import { useState } from 'react';
import type { ImpactReport } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { formatDateTime, useI18n } from '../../i18n';
import { ImpactBucketCard } from './impact-buckets-view';
import { ImpactChart } from './impact-chart';
import { BUCKET_NAMES } from './impact-links';

const DAY_CHOICES = [1, 7, 30, 90];

/** The group chooser's value for "the groups that use this policy". */
const POLICY_GROUPS = '';

/**
 * What the saved draft would have done to the last days of real events of the groups that use its
 * policy (or of one chosen group): hosts, users and events already blocked today, newly blocked and
 * no longer blocked, each count a link to the search of those events (issue 17 item 5).
 * Changing a select only prepares the preview: nothing runs until the button is pressed.
 */
export function ImpactPreview({ draftId, stale, policyId }: { draftId: string; stale: boolean; policyId?: string }) {
  const { t } = useI18n();
  const api = useApi();
  const [days, setDays] = useState(7);
  const [groupId, setGroupId] = useState(POLICY_GROUPS);
  const [report, setReport] = useState<ImpactReport | null>(null);
  const groups = useLoader(() => api.groups.list(), 'impact-groups');
  const preview = useAction();
  const ownPolicy = policyId ?? report?.policyId;

  const run = () => preview.run(async () => setReport(await api.policies.impact(draftId, days, groupId === POLICY_GROUPS ? undefined : groupId)));

  return (
    <section className="card impact-preview" aria-labelledby="impact-title">
      <h2 id="impact-title">{t('impactPreview.title')}</h2>
      <p className="muted small">{t('impactPreview.intro')}</p>
      <div className="toolbar toolbar-tight impact-toolbar">
        <label className="inline-field">
          <span>{t('impactPreview.days')}</span>
          <select value={days} onChange={(event) => setDays(Number(event.target.value))}>
            {DAY_CHOICES.map((choice) => (
              <option key={choice} value={choice}>
                {t('impactPreview.lastDays', { count: choice })}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>{t('impactPreview.group')}</span>
          <select value={groupId} onChange={(event) => setGroupId(event.target.value)} data-testid="impact-group">
            <option value={POLICY_GROUPS}>{t('impactPreview.groupsUsingPolicy')}</option>
            {(groups.data ?? []).map((group) => (
              <option key={group.id} value={group.id}>
                {t(group.policyId !== null && group.policyId === ownPolicy ? 'impactPreview.groupOptionUsing' : 'impactPreview.groupOption', { name: group.name })}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button-primary" onClick={() => void run()} disabled={preview.running}>
          {preview.running ? t('impactPreview.running') : t('impactPreview.run')}
        </button>
      </div>
      {stale && <p className="muted small">{t('impactPreview.staleHint')}</p>}
      {groups.error !== null && <ErrorBanner error={groups.error} onRetry={() => void groups.reload()} />}
      {preview.error !== null && <ErrorBanner error={preview.error} />}
      {report && <ImpactReportView report={report} />}
    </section>
  );
}

/** The scope, the three buckets and the chart of one answer. */
function ImpactReportView({ report: shown }: { report: ImpactReport }) {
  const { t, language } = useI18n();
  const names = shown.scope.groups.map((group) => group.name).join(', ');
  const changes = BUCKET_NAMES.some((name) => name !== 'alreadyBlocked' && shown.buckets[name].events > 0);
  return (
    <div className="impact-report" aria-live="polite" data-testid="impact-report">
      <p>
        {shown.scope.groups.length === 0
          ? t('impactPreview.scopeNone')
          : t('impactPreview.scope', { groups: names, from: formatDateTime(shown.from, language), to: formatDateTime(shown.to, language) })}{' '}
        {t(shown.mode === 'enforce' ? 'impactPreview.modeEnforce' : 'impactPreview.modeMonitor')}
      </p>
      {shown.truncated && <p className="banner banner-warning">{t('impactPreview.truncated')}</p>}
      <div className="impact-buckets">
        {BUCKET_NAMES.map((name) => (
          <ImpactBucketCard key={name} name={name} bucket={shown.buckets[name]} report={shown} />
        ))}
      </div>
      {!changes && <p className="empty-inline">{t('impactPreview.nothing')}</p>}
      <ImpactChart report={shown} />
    </div>
  );
}
