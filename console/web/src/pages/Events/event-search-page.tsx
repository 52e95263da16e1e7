import { useEffect, useState, type FormEvent } from 'react';
import { roleMay, type TriageBulkResult, type TriageDetail, type TriagedEvent } from '@dlp/shared';
import { useApi } from '../../api';
import { PagedList } from '../../components/paged-list';
import { useCursorPages } from '../../hooks/use-cursor-pages';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { browserTimeZone } from '../../components/time-zone';
import { hrefWithParams, pushParams, replaceParams, useHashParams } from '../../router/hash-router';
import { SEARCH_PATH, selectedEventOf, type EventRef } from '../../router/event-search-link';
import { useCurrentUser } from '../../session/session-context';
import { BulkTriageBar } from './bulk-triage-bar';
import { ResultCount } from './result-count';
import { SearchFilterForm } from './search-filter-form';
import { formOfFilters, toTriageFilters, type SearchFormInput } from './search-filters';
import { addressSearchOf, paramsOfAddressSearch, resolvedFilters, type AddressSearch, type RangePreset } from './search-range';
import { SearchResultsTable } from './search-results-table';
import { clickAll, clickRow, NO_SELECTION } from './search-selection';
import { eventKeyOf, NO_OVERRIDES, withBulk, withDetail } from './triage-overrides';
import { TriageDrawer } from './triage-drawer';
import { useSearchKeys } from './use-search-keys';

const PAGE_SIZE = 100;

/** The address of a search (canonical: the same search always gives the same text). */
const hrefOf = (search: AddressSearch, selected: EventRef | null = null) => hrefWithParams(SEARCH_PATH, paramsOfAddressSearch(search, selected));

/** Gives focus to an event's row (after its drawer closed, or when j/k reach it). */
function focusRow(key: string): void {
  document.querySelector<HTMLElement>(`tr[data-event-key="${key}"]`)?.focus();
}

/**
 * Officers' event search: every filter with time presets, the result count, why each event happened,
 * triage one at a time (drawer) or in bulk (ticked rows), and CSV export of the same search. The
 * filters, the preset and the open drawer live in the address (issue 17 items 2 and 3). A triage
 * change patches the rows in place: the loaded list and the scroll position stay.
 */
export function EventSearchPage() {
  const { t, language } = useI18n();
  const api = useApi();
  const canTriage = roleMay('triage', useCurrentUser()?.role);
  const params = useHashParams();
  const address = addressSearchOf(params);
  const addressKey = hrefOf(address);
  // A preset is relative: "now" is taken when the search is applied (or applied again), not per render.
  const [anchor, setAnchor] = useState(() => ({ key: addressKey, ms: Date.now() }));
  if (anchor.key !== addressKey) setAnchor({ key: addressKey, ms: Date.now() });
  const filters = resolvedFilters(address, anchor.ms);
  const filtersKey = JSON.stringify(filters);
  const selectedRef = selectedEventOf(params);
  const pages = useCursorPages((page) => api.triage.search(filters, page), filtersKey, PAGE_SIZE);
  const count = useLoader(() => api.triage.count(filters), filtersKey);
  const groupNames = useLoader(() => api.groups.names(), 'search-group-names');
  const [draft, setDraft] = useState<SearchFormInput>(() => formOfFilters(filters));
  const [draftPreset, setDraftPreset] = useState<RangePreset | null>(address.preset);
  const [overrides, setOverrides] = useState(NO_OVERRIDES);
  const [selection, setSelection] = useState(NO_SELECTION);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  // Another search (the form, a preset, Back, a link): the form follows, older pages and marks go.
  const [draftOf, setDraftOf] = useState(filtersKey);
  if (draftOf !== filtersKey) {
    setDraftOf(filtersKey);
    setDraft(formOfFilters(filters));
    setDraftPreset(address.preset);
    setOverrides(NO_OVERRIDES);
    setSelection(NO_SELECTION);
    setActiveKey(null);
    pages.reset();
  }

  const items = pages.items;
  const keys = items.map((item) => eventKeyOf(item.event));
  const selected = selectedRef ? (items.find((item) => eventKeyOf(item.event) === eventKeyOf(selectedRef)) ?? null) : null;
  const openKey = selected ? eventKeyOf(selected.event) : null;
  const openDrawer = (item: TriagedEvent | null) => replaceParams(SEARCH_PATH, paramsOfAddressSearch(address, item && { agentId: item.event.agentId, seq: item.event.seq }));

  // The open event's row is in view (a link from the host page, or j/k with the drawer open).
  useEffect(() => {
    if (openKey !== null) document.querySelector(`tr[data-event-key="${openKey}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [openKey]);

  const open = (item: TriagedEvent) => {
    setActiveKey(eventKeyOf(item.event));
    openDrawer(item);
  };
  const close = () => {
    openDrawer(null);
    if (openKey !== null) focusRow(openKey);
  };
  useSearchKeys({
    move: (step) => {
      if (keys.length === 0) return;
      const at = activeKey === null ? -1 : keys.indexOf(activeKey);
      const index = at < 0 ? 0 : Math.min(keys.length - 1, Math.max(0, at + step));
      const key = keys[index];
      const item = items[index];
      if (key === undefined || item === undefined) return;
      setActiveKey(key);
      // With the drawer open it follows (and takes focus); otherwise the row gets focus.
      if (openKey !== null) openDrawer(item);
      else focusRow(key);
    },
    toggle: () => {
      if (canTriage && activeKey !== null) setSelection(clickRow(selection, keys, activeKey, false));
    },
  });

  const go = (next: AddressSearch) => {
    if (hrefOf(next) !== addressKey) {
      pushParams(SEARCH_PATH, paramsOfAddressSearch(next));
      return;
    }
    // The same search again asks the console again (new events may have arrived; a preset moves on).
    if (address.preset !== null) {
      setAnchor({ key: addressKey, ms: Date.now() });
      return;
    }
    setOverrides(NO_OVERRIDES);
    setSelection(NO_SELECTION);
    pages.reset();
    void pages.first.reload();
    void count.reload();
  };
  const withoutTimes = (draftFilters: ReturnType<typeof toTriageFilters>) => {
    const { from: _from, to: _to, ...rest } = draftFilters;
    return rest;
  };
  const apply = (formEvent: FormEvent<HTMLFormElement>) => {
    formEvent.preventDefault();
    const typed = toTriageFilters(draft, filters);
    go(draftPreset === null ? { filters: typed, preset: null } : { filters: withoutTimes(typed), preset: draftPreset });
  };

  const onDrawerChanged = (detail: TriageDetail) => {
    setOverrides((previous) => withDetail(previous, items, detail));
    if (filters.triageState !== undefined) void count.reload();
  };
  const onBulkChanged = (result: TriageBulkResult) => {
    setOverrides((previous) => withBulk(previous, items, result));
    if (filters.triageState !== undefined) void count.reload();
  };
  const ticked = items.filter((item) => selection.keys.has(eventKeyOf(item.event))).map(({ event }) => ({ agentId: event.agentId, seq: event.seq }));

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
      <SearchFilterForm
        draft={draft}
        preset={draftPreset}
        onDraft={(next, preset) => {
          setDraft(next);
          setDraftPreset(preset);
        }}
        onPreset={(preset) => go({ filters: withoutTimes(toTriageFilters(draft, filters)), preset })}
        onSubmit={apply}
        groups={groupNames.data ?? null}
      />
      <div className="search-toolbar">
        <ResultCount count={count} shown={items.length} />
        <p className="muted small">{t('search.keys')}</p>
      </div>
      <PagedList pages={pages} empty={t('search.empty')} olderLabel={t('events.loadOlder')}>
        {(shown) => (
          <SearchResultsTable
            items={shown}
            overrides={overrides}
            selection={canTriage ? selection : null}
            onClickRow={(key, shift) => setSelection(clickRow(selection, keys, key, shift))}
            onClickAll={() => setSelection(clickAll(selection, keys))}
            activeKey={activeKey}
            openKey={openKey}
            onActivate={setActiveKey}
            onOpen={open}
          />
        )}
      </PagedList>
      {/* After the list, sticky at the window's bottom: in reach wherever the ticked rows are. */}
      {canTriage && <BulkTriageBar selected={ticked} onChanged={onBulkChanged} onClear={() => setSelection(NO_SELECTION)} />}
      {selected && (
        <TriageDrawer key={eventKeyOf(selected.event)} event={selected.event} context={selected.context} onClose={close} onChanged={onDrawerChanged} />
      )}
    </main>
  );
}
