import { AGENT_CONDITIONS, FLEET_WINDOW_MS, type AgentCondition, type AgentOverviewResponse, type EventAction, type EventType } from '@dlp/shared';
import { formatDateTime, useI18n } from '../../i18n';
import { searchHref } from '../../router/event-search-link';
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
 * The searches behind the conditions that count events: a tamper is a refused policy (`policy`,
 * blocked) or a refused exception (`agent`, blocked), a bypass any `bypass` event, in the day
 * before the count (docs/API.md, fleet conditions). The search takes one type, so tamper has two.
 */
const EVENT_SEARCHES: Partial<Record<AgentCondition, ReadonlyArray<{ type: EventType; action?: EventAction }>>> = {
  'tamper-24h': [
    { type: 'policy', action: 'blocked' },
    { type: 'agent', action: 'blocked' },
  ],
  'bypass-24h': [{ type: 'bypass' }],
};

/**
 * The fleet at a glance: one link per condition with the console's count; each opens the agent
 * list filtered by exactly that condition (in the address, so it survives reloads and bookmarks).
 * The conditions that count events also link to those events in Search & triage.
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
          const searches = EVENT_SEARCHES[condition];
          const from = new Date(Date.parse(overview.at) - FLEET_WINDOW_MS).toISOString();
          return (
            <li key={condition} className="fleet-count-item">
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
              {searches && (
                <span className="fleet-count-events small" data-events-of={condition} title={t('fleet.events.title')}>
                  {t('fleet.events.label')}{' '}
                  {searches.length === 1 ? (
                    <a href={searchHref({ ...searches[0], from })}>{t('fleet.events.open')}</a>
                  ) : (
                    searches.map((search, index) => (
                      <span key={search.type}>
                        {index > 0 && ' · '}
                        <a href={searchHref({ ...search, from })}>{t(`type.${search.type}`)}</a>
                      </span>
                    ))
                  )}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
