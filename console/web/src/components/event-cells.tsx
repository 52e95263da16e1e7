import type { StoredEvent } from '@dlp/shared';
import { ActionBadge, SeverityLabel } from './badges';
import { useI18n } from '../i18n';
import { EventSubjectSummary } from './event-subject';

/** An event column every events table renders the same way (the time column differs per table). */
export type EventColumn = 'host' | 'user' | 'type' | 'action' | 'severity' | 'rule' | 'subject';

/** Header cells for `columns`, labelled `events.col.<column>`. */
export function EventColumnHeaders({ columns }: { columns: readonly EventColumn[] }) {
  const { t } = useI18n();
  return columns.map((column) => (
    <th key={column} scope="col">
      {t(`events.col.${column}`)}
    </th>
  ));
}

/** Body cells of one event for `columns`, so every table shows a field the same way. */
export function EventCells({ event, columns }: { event: StoredEvent; columns: readonly EventColumn[] }) {
  const { t } = useI18n();
  const cell = (column: EventColumn) => {
    switch (column) {
      case 'host':
        return <td key={column}>{event.host}</td>;
      case 'user':
        return <td key={column}>{event.user ?? t('common.none')}</td>;
      case 'type':
        return <td key={column}>{t(`type.${event.type}`)}</td>;
      case 'action':
        return (
          <td key={column}>
            <ActionBadge action={event.action} />
          </td>
        );
      case 'severity':
        return (
          <td key={column}>
            <SeverityLabel severity={event.severity} />
          </td>
        );
      case 'rule':
        return (
          <td key={column} className="mono">
            {event.ruleId ?? t('common.none')}
          </td>
        );
      case 'subject':
        return (
          <td key={column}>
            <EventSubjectSummary subject={event.subject} />
          </td>
        );
    }
  };
  return columns.map(cell);
}
