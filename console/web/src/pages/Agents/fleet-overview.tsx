import { AGENT_CONDITIONS, type AgentCondition, type AgentOverviewResponse } from '@dlp/shared';
import { formatDateTime, useI18n } from '../../i18n';
import { hrefWithParams } from '../../router/hash-router';

/** Conditions that are a problem when their count is above zero (compliant is the good one). */
const TONE: Record<AgentCondition, 'good' | 'problem' | 'warning'> = {
  compliant: 'good',
  'policy-pending': 'warning',
  'policy-failed': 'problem',
  'offline-24h': 'warning',
  'fail-open': 'warning',
  degraded: 'warning',
  'tamper-24h': 'problem',
  'bypass-24h': 'problem',
};

/**
 * The fleet at a glance: one link per condition with the console's count; each opens the agent
 * list filtered by exactly that condition (in the address, so it survives reloads and bookmarks).
 */
export function FleetOverview({ overview, active }: { overview: AgentOverviewResponse; active: AgentCondition | undefined }) {
  const { t, language } = useI18n();
  return (
    <section className="fleet-overview" aria-labelledby="fleet-overview-title">
      <div className="fleet-overview-heading">
        <h2 id="fleet-overview-title">{t('fleet.title')}</h2>
        <span className="muted small">
          {t('fleet.total', { total: overview.total })} · {t('fleet.updated', { time: formatDateTime(overview.at, language) })}
        </span>
      </div>
      <ul className="fleet-counts">
        {AGENT_CONDITIONS.map((condition) => {
          const count = overview.counts[condition];
          const tone = count === 0 && TONE[condition] !== 'good' ? 'quiet' : TONE[condition];
          const label = t(`fleet.condition.${condition}`);
          return (
            <li key={condition}>
              <a
                className={`fleet-count fleet-count-${tone}`}
                href={hrefWithParams('/agents', { condition })}
                data-condition={condition}
                aria-current={active === condition ? 'true' : undefined}
                title={t(`fleet.hint.${condition}`)}
              >
                <span className="fleet-count-value">{count}</span>
                <span className="fleet-count-label">{label}</span>
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
