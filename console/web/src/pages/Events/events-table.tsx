import type { StoredEvent } from '@dlp/shared';
import { formatDateTime, formatTimeOfDay, isSameLocalDay, useI18n } from '../../i18n';
import { EventCells, EventColumnHeaders, type EventColumn } from './event-cells';

const COLUMNS: readonly EventColumn[] = ['host', 'user', 'type', 'action', 'severity', 'rule', 'subject'];

/** The live events table, newest first. */
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
                <time dateTime={event.occurredAt} title={formatDateTime(event.occurredAt, language)}>
                  {isSameLocalDay(event.occurredAt, now) ? formatTimeOfDay(event.occurredAt, language) : formatDateTime(event.occurredAt, language)}
                </time>
              </td>
              <EventCells event={event} columns={COLUMNS} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
