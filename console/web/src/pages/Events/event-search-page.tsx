import { useState, type FormEvent } from 'react';
import { eventAction, eventType, severity as severities, triageState, type StoredEvent } from '@dlp/shared';
import { useApi } from '../../api';
import { PagedList } from '../../components/paged-list';
import { EnumOptions } from '../../components/enum-options';
import { useCursorPages } from '../../hooks/use-cursor-pages';
import { formatDateTime, useI18n, type MessageKey } from '../../i18n';
import { EventCells, EventColumnHeaders, type EventColumn } from '../../components/event-cells';
import { browserTimeZone } from '../../components/time-zone';
import { NO_SEARCH_FILTERS, toTriageFilters, type SearchFormInput } from './search-filters';
import { TriageChip } from './triage-chip';
import { TriageDrawer } from './triage-drawer';

const PAGE_SIZE = 100;
const COLUMNS: readonly EventColumn[] = ['host', 'user', 'type', 'action', 'severity', 'subject'];

const SELECTS: Record<'type' | 'action' | 'severity' | 'triageState', { options: readonly string[]; prefix: string }> = {
  type: { options: eventType.options, prefix: 'type' },
  action: { options: eventAction.options, prefix: 'action' },
  severity: { options: severities.options, prefix: 'severity' },
  triageState: { options: triageState.options, prefix: 'triage.state' },
};

/** Officers' event search: every filter, triage state chips, the triage drawer and CSV export of the same search. */
export function EventSearchPage() {
  const { t, language } = useI18n();
  const api = useApi();
  const [draft, setDraft] = useState<SearchFormInput>(NO_SEARCH_FILTERS);
  const [applied, setApplied] = useState<SearchFormInput>(NO_SEARCH_FILTERS);
  const [selected, setSelected] = useState<StoredEvent | null>(null);
  const filters = toTriageFilters(applied);
  const pages = useCursorPages((page) => api.triage.search(filters, page), JSON.stringify(filters), PAGE_SIZE);

  const apply = (formEvent: FormEvent<HTMLFormElement>) => {
    formEvent.preventDefault();
    pages.reset();
    setApplied(draft);
  };
  const text = (name: keyof SearchFormInput, type = 'text') => (
    <label className="inline-field">
      <span>{t(`search.filter.${name}` as MessageKey)}</span>
      <input name={name} type={type} value={draft[name]} onChange={(change) => setDraft({ ...draft, [name]: change.target.value })} />
    </label>
  );
  const select = (name: keyof typeof SELECTS) => (
    <label className="inline-field">
      <span>{t(`search.filter.${name}` as MessageKey)}</span>
      <select name={name} value={draft[name]} onChange={(change) => setDraft({ ...draft, [name]: change.target.value })}>
        <option value="">{t('events.filter.all')}</option>
        <EnumOptions options={SELECTS[name].options} label={(option) => t(`${SELECTS[name].prefix}.${option}` as MessageKey)} />
      </select>
    </label>
  );

  return (
    <main className="page">
      <div className="page-heading">
        <div>
          <h1>{t('search.title')}</h1>
          <p className="muted">{t('search.subtitle')}</p>
        </div>
        <a className="button" href={api.triage.exportUrl(filters, { timeZone: browserTimeZone(), language })} download>
          {t('search.export')}
        </a>
      </div>
      <form className="filter-bar filter-form" onSubmit={apply} aria-label={t('events.filters')}>
        {text('fromDate', 'date')}
        {text('toDate', 'date')}
        {text('host')}
        {text('user')}
        {select('type')}
        {select('action')}
        {select('severity')}
        {select('triageState')}
        {text('ruleId')}
        {text('device')}
        {text('deviceSerial')}
        {text('sha256')}
        {text('q', 'search')}
        <button type="submit" className="button">
          {t('search.apply')}
        </button>
      </form>
      <PagedList pages={pages} empty={t('search.empty')} olderLabel={t('events.loadOlder')}>
        {(items) => (
          <div className="table-wrap">
            <table className="data-table events-table">
              <thead>
                <tr>
                  <th scope="col">{t('events.col.time')}</th>
                  <EventColumnHeaders columns={COLUMNS} />
                  <th scope="col">{t('search.col.triage')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map(({ event, triage }) => (
                  <tr key={`${event.agentId}/${event.seq}`} data-event-seq={event.seq}>
                    <td className="cell-time">{formatDateTime(event.placedAt ?? event.occurredAt, language)}</td>
                    <EventCells event={event} columns={COLUMNS} />
                    <td>
                      <button type="button" className="chip-button" onClick={() => setSelected(event)} aria-label={t('search.openTriage', { seq: event.seq, host: event.host })}>
                        <TriageChip triage={triage} />
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
      {selected && (
        <TriageDrawer
          key={`${selected.agentId}/${selected.seq}`}
          event={selected}
          onClose={() => setSelected(null)}
          onChanged={() => {
            pages.reset();
            void pages.first.reload();
          }}
        />
      )}
    </main>
  );
}
