import type { StoredEvent } from '@dlp/shared';
import { formatDateTime, formatTimeOfDay, isSameLocalDay, useI18n } from '../../i18n';
import { EventCells, EventColumnHeaders, type EventColumn } from '../../components/event-cells';
import { searchHref } from '../../router/event-search-link';
import { fullTimeTitle } from '../../components/local-time';

const COLUMNS: readonly EventColumn[] = ['host', 'user', 'type', 'action', 'severity', 'rule', 'subject'];

/** Where the console placed the event (the agent's time corrected for its clock), as lists are ordered. */
function placedAt(event: StoredEvent): string {
  return event.placedAt ?? event.occurredAt;
}

/**
 * The live events table, newest first. Each time is a link to the event in Search & triage (the
 * search of its host with its drawer open: rule, why, triage), live rows included.
 */
export function EventsTable({ events, now }: { events: readonly StoredEvent[]; now: number }) {
  const { t, language } = useI18n();
  return (
    <div className="table-wrap">
      <table className="data-table events-table">
        <thead>
          <tr>
            <th scope="col">{t('events.col.time')}</th>
            <EventColumnHeaders columns={COLUMNS} />
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id} data-event-id={event.id}>
              <td className="cell-time">
                <a
                  href={searchHref({ agentId: event.agentId }, { agentId: event.agentId, seq: event.seq })}
                  aria-label={t('events.open', { type: t(`type.${event.type}`), host: event.host })}
                >
                  <time dateTime={placedAt(event)} title={fullTimeTitle(placedAt(event), language)}>
                    {isSameLocalDay(placedAt(event), now) ? formatTimeOfDay(placedAt(event), language) : formatDateTime(placedAt(event), language)}
                  </time>
                </a>
              </td>
              <EventCells event={event} columns={COLUMNS} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
