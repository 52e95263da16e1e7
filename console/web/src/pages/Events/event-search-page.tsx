import { useEffect, useState, type FormEvent } from 'react';
import { eventAction, eventType, severity as severities, triageState, type StoredEvent } from '@dlp/shared';
import { useApi } from '../../api';
import { PagedList } from '../../components/paged-list';
import { EnumOptions } from '../../components/enum-options';
import { useCursorPages } from '../../hooks/use-cursor-pages';
import { formatDateTime, useI18n, type MessageKey } from '../../i18n';
import { EventCells, EventColumnHeaders, type EventColumn } from '../../components/event-cells';
import { browserTimeZone } from '../../components/time-zone';
import { pushParams, replaceParams, useHashParams } from '../../router/hash-router';
import { paramsOfSearch, SEARCH_PATH, searchFiltersFromParams, searchHref, selectedEventOf, type EventRef } from '../../router/event-search-link';
import { formOfFilters, toTriageFilters, type SearchFormInput } from './search-filters';
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

const sameEvent = (event: StoredEvent, ref: EventRef | null) => ref !== null && event.agentId === ref.agentId && event.seq === ref.seq;

/**
 * Officers' event search: every filter, triage state chips, the triage drawer and CSV export of the
 * same search. The applied filters and the open drawer live in the address (issue 17 item 2): a
 * reload, a bookmark or a link from another page opens the same search.
 */
export function EventSearchPage() {
  const { t, language } = useI18n();
  const api = useApi();
  const params = useHashParams();
  const filters = searchFiltersFromParams(params);
  const selectedRef = selectedEventOf(params);
  const filtersKey = JSON.stringify(filters);
  const pages = useCursorPages((page) => api.triage.search(filters, page), filtersKey, PAGE_SIZE);
  const [draft, setDraft] = useState<SearchFormInput>(() => formOfFilters(filters));
  // The form follows the address when it changes from outside (Back, a link): older pages go too.
  const [draftOf, setDraftOf] = useState(filtersKey);
  if (draftOf !== filtersKey) {
    setDraftOf(filtersKey);
    setDraft(formOfFilters(filters));
    pages.reset();
  }
  const selected = pages.items.find(({ event }) => sameEvent(event, selectedRef))?.event ?? null;
  const openDrawer = (event: StoredEvent | null) => replaceParams(SEARCH_PATH, paramsOfSearch(filters, event && { agentId: event.agentId, seq: event.seq }));

  // A link to one event (from the host page) shows its row: scrolled to, once it is loaded.
  const selectedKey = selected ? `${selected.agentId}/${selected.seq}` : '';
  useEffect(() => {
    if (selectedKey !== '') document.querySelector(`tr[data-event-key="${selectedKey}"]`)?.scrollIntoView({ block: 'center' });
  }, [selectedKey]);

  const apply = (formEvent: FormEvent<HTMLFormElement>) => {
    formEvent.preventDefault();
    const next = toTriageFilters(draft, filters);
    // The same search again asks the console again (new events may have arrived).
    if (searchHref(next) === searchHref(filters)) void pages.first.reload();
    else pushParams(SEARCH_PATH, paramsOfSearch(next));
  };
  // aria-label: the field's name alone (a wrapping label would add the chosen option's text).
  const text = (name: keyof SearchFormInput, type = 'text') => (
    <label className="inline-field">
      <span>{t(`search.filter.${name}` as MessageKey)}</span>
      <input name={name} type={type} aria-label={t(`search.filter.${name}` as MessageKey)} value={draft[name]} onChange={(change) => setDraft({ ...draft, [name]: change.target.value })} />
    </label>
  );
  const select = (name: keyof typeof SELECTS) => (
    <label className="inline-field">
      <span>{t(`search.filter.${name}` as MessageKey)}</span>
      <select name={name} aria-label={t(`search.filter.${name}` as MessageKey)} value={draft[name]} onChange={(change) => setDraft({ ...draft, [name]: change.target.value })}>
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
        {text('from', 'datetime-local')}
        {text('to', 'datetime-local')}
        {text('agentId')}
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
                  <tr
                    key={`${event.agentId}/${event.seq}`}
                    data-event-seq={event.seq}
                    data-event-key={`${event.agentId}/${event.seq}`}
                    className={sameEvent(event, selectedRef) ? 'row-selected' : undefined}
                  >
                    <td className="cell-time">{formatDateTime(event.placedAt ?? event.occurredAt, language)}</td>
                    <EventCells event={event} columns={COLUMNS} />
                    <td>
                      <button type="button" className="chip-button" onClick={() => openDrawer(event)} aria-label={t('search.openTriage', { seq: event.seq, host: event.host })}>
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
          onClose={() => openDrawer(null)}
          onChanged={() => {
            pages.reset();
            void pages.first.reload();
          }}
        />
      )}
    </main>
  );
}
