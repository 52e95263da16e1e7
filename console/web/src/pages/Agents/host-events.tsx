import type { StoredEvent } from '@dlp/shared';
import { SeverityLabel } from '../../components/badges';
import { EventCells } from '../../components/event-cells';
import { useI18n } from '../../i18n';
import { searchHref } from '../../router/event-search-link';
import { HOST_EVENT_COUNT } from './use-host-data';
import { LocalTime } from '../../components/local-time';

/**
 * The host's newest events, each a link to itself in Search & triage (the search of this host with
 * its triage drawer open). The action is plain text here: a blocked program is the agent doing its
 * job, not a problem of this host, so it gets no red.
 */
export function HostEvents({ agentId, events }: { agentId: string; events: readonly StoredEvent[] }) {
  const { t } = useI18n();
  return (
    <section className="card host-card" aria-labelledby="host-events">
      <div className="host-card-heading">
        <div>
          <h2 id="host-events">{t('host.events')}</h2>
          <p className="muted small">{t('host.events.subtitle', { count: HOST_EVENT_COUNT })}</p>
        </div>
        <a className="button button-small" href={searchHref({ agentId })} data-testid="host-all-events">
          {t('host.events.all')}
        </a>
      </div>
      {events.length === 0 ? (
        <p className="muted">{t('host.events.none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table host-table">
            <thead>
              <tr>
                <th scope="col">{t('events.col.time')}</th>
                <th scope="col">{t('events.col.type')}</th>
                <th scope="col">{t('events.col.action')}</th>
                <th scope="col">{t('events.col.severity')}</th>
                <th scope="col">{t('events.col.rule')}</th>
                <th scope="col">{t('events.col.subject')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.seq} data-event-seq={event.seq}>
                  <td className="cell-time">
                    <a href={searchHref({ agentId }, { agentId, seq: event.seq })} aria-label={t('host.events.open', { seq: event.seq })}>
                      <LocalTime iso={event.placedAt ?? event.occurredAt} />
                    </a>
                  </td>
                  <td>{t(`type.${event.type}`)}</td>
                  <td>{t(`action.${event.action}`)}</td>
                  <td>
                    <SeverityLabel severity={event.severity} />
                  </td>
                  <EventCells event={event} columns={['rule', 'subject']} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
