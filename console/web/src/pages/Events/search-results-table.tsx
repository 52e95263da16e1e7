import type { ChangeEvent } from 'react';
import type { TriagedEvent } from '@dlp/shared';
import { formatTimeOfDay, useI18n, type Language } from '../../i18n';
import { EventCells, EventColumnHeaders, type EventColumn } from '../../components/event-cells';
import { groupText, policyText } from './event-why';
import type { RowSelection } from './search-selection';
import { eventKeyOf, triageOf, type TriageOverrides } from './triage-overrides';
import { TriageChip } from './triage-chip';
import { fullTimeTitle } from '../../components/local-time';

const WHAT: readonly EventColumn[] = ['type', 'action', 'severity'];
const SUBJECT: readonly EventColumn[] = ['subject'];

/** The local date alone; the time of day goes on the line below (a narrower column). */
const formatDate = (iso: string, language: Language): string => new Intl.DateTimeFormat(language, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));

/** A click on a box, with Shift held or not (a keyboard toggle counts as a plain click). */
const shiftHeld = (change: ChangeEvent<HTMLInputElement>): boolean => 'shiftKey' in change.nativeEvent && change.nativeEvent.shiftKey === true;

export interface SearchResultsTableProps {
  items: readonly TriagedEvent[];
  overrides: TriageOverrides;
  /** The ticked rows; null hides the boxes (a role that may not triage). */
  selection: RowSelection | null;
  onClickRow(key: string, shift: boolean): void;
  onClickAll(): void;
  /** The row j/k move (one tab stop for the whole list: the active row, else the first). */
  activeKey: string | null;
  /** The row whose drawer is open. */
  openKey: string | null;
  onActivate(key: string): void;
  onOpen(item: TriagedEvent): void;
}

/**
 * The search results: why each event happened (rule, action, severity, policy version, group) next
 * to what and where, its triage state, and a box per row for bulk triage.
 */
export function SearchResultsTable({ items, overrides, selection, onClickRow, onClickAll, activeKey, openKey, onActivate, onOpen }: SearchResultsTableProps) {
  const { t, language } = useI18n();
  const tabStop = activeKey ?? (items[0] ? eventKeyOf(items[0].event) : null);
  const allTicked = selection !== null && items.length > 0 && items.every((item) => selection.keys.has(eventKeyOf(item.event)));
  return (
    <div className="table-wrap">
      <table className="data-table events-table search-table">
        <thead>
          <tr>
            {selection && (
              <th scope="col" className="cell-check">
                <input type="checkbox" aria-label={t('search.select.all')} checked={allTicked} onChange={onClickAll} />
              </th>
            )}
            <th scope="col">{t('events.col.time')}</th>
            <EventColumnHeaders columns={['host', 'user']} />
            <EventColumnHeaders columns={WHAT} />
            <th scope="col">{t('events.col.rule')}</th>
            <th scope="col">{t('search.col.policy')}</th>
            <th scope="col">{t('search.col.group')}</th>
            <EventColumnHeaders columns={SUBJECT} />
            <th scope="col" className="cell-triage">
              {t('search.col.triage')}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => {
            const { event, context } = item;
            const key = eventKeyOf(event);
            const policy = policyText(event, context, t);
            const placedAt = event.placedAt ?? event.occurredAt;
            const classes = [key === openKey ? 'row-selected' : '', key === activeKey ? 'row-active' : '', selection?.keys.has(key) ? 'row-ticked' : ''].filter(Boolean).join(' ');
            return (
              <tr
                key={key}
                data-event-seq={event.seq}
                data-event-key={key}
                tabIndex={key === tabStop ? 0 : -1}
                className={classes || undefined}
                onFocus={() => onActivate(key)}
                onKeyDown={(keyEvent) => {
                  if (keyEvent.key === 'Enter' && keyEvent.target === keyEvent.currentTarget) onOpen(item);
                }}
              >
                {selection && (
                  <td className="cell-check">
                    <input
                      type="checkbox"
                      aria-label={t('search.select.row', { seq: event.seq, host: event.host })}
                      checked={selection.keys.has(key)}
                      onChange={(change) => onClickRow(key, shiftHeld(change))}
                    />
                  </td>
                )}
                <td className="cell-time" title={fullTimeTitle(placedAt, language)}>
                  <span className="block">{formatDate(placedAt, language)}</span>
                  <span className="muted">{formatTimeOfDay(placedAt, language)}</span>
                </td>
                <td className="cell-nowrap">{event.host}</td>
                <td className="cell-nowrap">{event.user ?? t('common.none')}</td>
                <EventCells event={event} columns={WHAT} />
                <td className="mono cell-nowrap">{event.ruleId ?? t('common.none')}</td>
                <td className="cell-why" title={policy.title}>
                  {policy.text}
                </td>
                <td className="cell-why">{groupText(context, t)}</td>
                <EventCells event={event} columns={SUBJECT} />
                <td className="cell-triage">
                  <button type="button" className="chip-button" onClick={() => onOpen(item)} aria-label={t('search.openTriage', { seq: event.seq, host: event.host })}>
                    <TriageChip triage={triageOf(item, overrides)} />
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
