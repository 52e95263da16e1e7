import { useCallback, useRef, useState } from 'react';
import { roleMay, type AgentSummary } from '@dlp/shared';
import type { AgentTableQuery } from '../../api/agents-api';
import { ErrorBanner } from '../../components/error-banner';
import { useNow } from '../../hooks/use-now';
import { useI18n } from '../../i18n';
import { replaceParams, useHashParams } from '../../router/hash-router';
import { useCurrentUser } from '../../session/session-context';
import { AgentFilterBar } from './agent-filter-bar';
import { AGENT_PAGE_SIZE, filtersFromParams, isFiltered, paramsOfFilters, type AgentFilters } from './agent-filters';
import { AgentsTable, type AgentSort } from './agents-table';
import { EnrollInstructions } from './enroll-instructions';
import { FleetOverview } from './fleet-overview';
import { MoveAgentDialog } from './move-agent-dialog';
import { useAgentTable } from './use-agent-table';

/**
 * The admin's landing page: the fleet overview (counts that open the filtered list), then the
 * compact agent table with search, state, group and OS filters, sorting and pages. Every filter is
 * in the address. Explains enrollment while there are no agents.
 */
export function AgentsPage() {
  const { t } = useI18n();
  const role = useCurrentUser()?.role;
  const isAdmin = roleMay('administration', role);
  const filters = filtersFromParams(useHashParams());
  const data = useAgentTable(filters, role);
  const [moving, setMoving] = useState<AgentSummary | null>(null);
  const now = useNow(15_000);
  const setFilters = useCallback((next: AgentFilters) => replaceParams('/agents', paramsOfFilters(next)), []);
  const { page, overview } = data;
  // While another page or filter loads, the last answer stays on screen (no flash, the search box keeps focus).
  const lastPage = useRef(page.data);
  if (page.data) lastPage.current = page.data;
  const shown = page.data ?? lastPage.current;
  const total = shown?.total ?? shown?.items.length ?? 0;
  const error = page.error ?? overview.error;
  const reload = () => {
    void page.reload();
    void overview.reload();
  };
  const emptyFleet = shown !== null && total === 0 && !isFiltered(filters);

  return (
    <main className="page agents-page">
      <div className="page-heading">
        <h1>{t('agents.title')}</h1>
      </div>
      {error !== null && <ErrorBanner error={error} onRetry={reload} />}
      {overview.data && !emptyFleet && <FleetOverview overview={overview.data} active={filters.condition} />}
      {emptyFleet ? (
        <EnrollInstructions />
      ) : (
        <>
          <AgentFilterBar filters={filters} groups={data.groups} onChange={setFilters} />
          {shown === null ? (
            page.error === null && (
              <p className="muted" role="status">
                {t('app.loading')}
              </p>
            )
          ) : (
            <>
              <PageNavigation filters={filters} total={total} answered={page.data?.query} onChange={setFilters} />
              {shown.items.length > 0 && (
                <AgentsTable
                  agents={shown.items}
                  policies={data.policies}
                  now={now}
                  sort={{ sort: filters.sort, order: filters.order }}
                  onSort={(sort: AgentSort) => setFilters({ ...filters, ...sort, page: 1 })}
                  onMove={isAdmin ? setMoving : undefined}
                />
              )}
            </>
          )}
        </>
      )}
      {moving && <MoveAgentDialog agent={moving} onClose={() => setMoving(null)} onMoved={reload} />}
    </main>
  );
}

/** "1–100 of 523" with previous and next page buttons. */
function PageNavigation({
  filters,
  total,
  answered,
  onChange,
}: {
  filters: AgentFilters;
  total: number;
  /** The query the rows on screen answer; undefined while the next one loads. */
  answered: AgentTableQuery | undefined;
  onChange(next: AgentFilters): void;
}) {
  const { t } = useI18n();
  const from = (filters.page - 1) * AGENT_PAGE_SIZE + 1;
  const to = Math.min(total, filters.page * AGENT_PAGE_SIZE);
  return (
    <div className="table-pager">
      <span
        className="agent-count"
        role="status"
        aria-busy={answered === undefined}
        data-total={answered === undefined ? undefined : total}
        data-condition={answered?.condition ?? ''}
        data-offset={answered?.offset}
      >
        {total === 0 ? t('fleet.count.none') : t('fleet.count', { from, to, total })}
      </span>
      <button type="button" className="button button-small" disabled={filters.page <= 1} onClick={() => onChange({ ...filters, page: filters.page - 1 })}>
        {t('fleet.page.previous')}
      </button>
      <button type="button" className="button button-small" disabled={to >= total} onClick={() => onChange({ ...filters, page: filters.page + 1 })}>
        {t('fleet.page.next')}
      </button>
    </div>
  );
}
