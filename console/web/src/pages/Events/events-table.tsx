import type { StoredEvent } from '@dlp/shared';
import { ActionBadge, SeverityLabel } from '../../components/badges';
import { formatDateTime, formatTimeOfDay, isSameLocalDay, useI18n } from '../../i18n';
import { EventSubjectSummary } from './event-subject';

/** The live events table, newest first. */
export function EventsTable({ events, now }: { events: readonly StoredEvent[]; now: number }) {
  const { t, language } = useI18n();
  return (
    <div className="table-wrap">
      <table className="data-table events-table">
        <thead>
          <tr>
            <th scope="col">{t('events.col.time')}</th>
            <th scope="col">{t('events.col.host')}</th>
            <th scope="col">{t('events.col.user')}</th>
            <th scope="col">{t('events.col.type')}</th>
            <th scope="col">{t('events.col.action')}</th>
            <th scope="col">{t('events.col.severity')}</th>
            <th scope="col">{t('events.col.rule')}</th>
            <th scope="col">{t('events.col.subject')}</th>
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
              <td>{event.host}</td>
              <td>{event.user ?? t('common.none')}</td>
              <td>{t(`type.${event.type}`)}</td>
              <td>
                <ActionBadge action={event.action} />
              </td>
              <td>
                <SeverityLabel severity={event.severity} />
              </td>
              <td className="mono">{event.ruleId ?? t('common.none')}</td>
              <td>
                <EventSubjectSummary subject={event.subject} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
