import type { PolicyChange, PolicyDiff } from '@dlp/shared';
import { useApi } from '../../api';
import { Badge, type BadgeTone } from '../../components/badges';
import { ErrorBanner } from '../../components/error-banner';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';

const KIND_TONES: Record<PolicyChange['kind'], BadgeTone> = { added: 'green', removed: 'red', changed: 'amber', moved: 'blue' };

/** What changed between two versions, as the console computes it (rules matched by id). */
export function PolicyDiffView({ policyId, from, to }: { policyId: string; from: number; to: number }) {
  const { t } = useI18n();
  const api = useApi();
  const diff = useLoader(() => api.policies.diff(policyId, from, to), `${policyId}:${from}:${to}`);
  if (diff.loading) return <p className="muted">{t('app.loading')}</p>;
  if (diff.error !== null) return <ErrorBanner error={diff.error} onRetry={() => void diff.reload()} />;
  if (!diff.data) return null;
  return (
    <div className="policy-diff" aria-live="polite">
      <h3>{t('policies.diff.title', { from, to })}</h3>
      <PolicyChangeList summary={diff.data.summary} changes={diff.data.changes} />
    </div>
  );
}

/**
 * Rule counts and the list of changes (also what the draft editor shows before publishing,
 * computed with the same shared diff).
 */
export function PolicyChangeList({ summary, changes }: Pick<PolicyDiff, 'summary' | 'changes'>) {
  const { t } = useI18n();
  const count = (rules: typeof summary.appRules) => t('policies.diff.counts', rules);
  return (
    <>
      <p className="muted small">
        {t('policy.section.apps')}: {count(summary.appRules)} · {t('policy.section.usb')}: {count(summary.usbRules)} · {t('policies.diff.settings', { count: summary.settings })}
      </p>
      {changes.length === 0 ? (
        <p className="empty-inline">{t('policies.diff.none')}</p>
      ) : (
        <ul className="diff-list">
          {changes.map((change, index) => (
            <li key={`${change.path}-${index}`} className={`diff-${change.kind}`}>
              <Badge tone={KIND_TONES[change.kind]}>{t(`policies.diff.kind.${change.kind}`)}</Badge> <code>{change.path}</code>
              {change.ruleId && <span className="muted"> · {change.ruleId}</span>}
              <div className="diff-values">
                {change.before !== undefined && <code className="diff-before">{compact(change.before)}</code>}
                {change.after !== undefined && <code className="diff-after">{compact(change.after)}</code>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function compact(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
