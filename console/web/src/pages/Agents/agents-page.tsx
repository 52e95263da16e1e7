import { useCallback, useState } from 'react';
import { roleMay, type AgentFilterSet, type AgentSummary } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { browserTimeZone } from '../../components/time-zone';
import { useNow } from '../../hooks/use-now';
import { useI18n } from '../../i18n';
import { pushParams, replaceParams, useHashParams } from '../../router/hash-router';
import { useCurrentUser } from '../../session/session-context';
import { AgentFilterBar } from './agent-filter-bar';
import { filterSetOf, filtersFromParams, isFiltered, paramsOfFilters, type AgentFilters } from './agent-filters';
import { AgentsTable, type AgentSort } from './agents-table';
import { EnrollInstructions } from './enroll-instructions';
import { FleetOverview } from './fleet-overview';
import { MoveAgentDialog } from './move-agent-dialog';
import { SavedFilters } from './saved-filters';
import { useAgentRows, type AgentRows } from './use-agent-rows';
import { useAgentTable } from './use-agent-table';

/**
 * The admin's landing page: the fleet overview (counts that open the filtered list), then the
 * compact agent table with search, state, group and OS filters, sorting, saved filters and CSV
 * export. The table holds the whole filtered list and renders only the rows in view. Every filter
 * is in the address (a reload, Back or a bookmark keeps it). Explains enrollment while there are no agents.
 */
export function AgentsPage() {
  const { t } = useI18n();
  const role = useCurrentUser()?.role;
  const isAdmin = roleMay('administration', role);
  const filters = filtersFromParams(useHashParams());
  const data = useAgentTable(role);
  const rows = useAgentRows(filterSetOf(filters));
  const [moving, setMoving] = useState<AgentSummary | null>(null);
  const now = useNow(15_000);
  const setFilters = useCallback((next: AgentFilters, how?: 'replace') => (how === 'replace' ? replaceParams : pushParams)('/agents', paramsOfFilters(next)), []);
  const { overview } = data;
  const error = rows.error ?? overview.error;
  const reload = () => {
    void rows.reload();
    void overview.reload();
  };
  const emptyFleet = rows.current && rows.total === 0 && !isFiltered(filters);

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
          <SavedFilters filters={filters} onApply={setFilters} />
          {rows.answered === null ? (
            rows.error === null && (
              <p className="muted" role="status">
                {t('app.loading')}
              </p>
            )
          ) : (
            <>
              <TableStatus rows={rows} answered={rows.answered} />
              {rows.total > 0 && (
                <AgentsTable
                  rows={rows}
                  policies={data.policies}
                  now={now}
                  sort={{ sort: filters.sort, order: filters.order }}
                  onSort={(sort: AgentSort) => setFilters({ ...filters, ...sort })}
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

/** "523 agents" (the answer on screen, busy while the next one loads) and the CSV export of that list. */
function TableStatus({ rows, answered }: { rows: AgentRows; answered: AgentFilterSet }) {
  const { t, language } = useI18n();
  const api = useApi();
  return (
    <div className="table-pager">
      <span
        className="agent-count"
        role="status"
        aria-busy={!rows.current}
        data-total={rows.current ? rows.total : undefined}
        data-condition={answered.condition ?? ''}
        data-query={JSON.stringify(answered)}
      >
        {rows.total === 0 ? t('fleet.count.none') : t('agentTable.count', { total: rows.total })}
      </span>
      {rows.total > 0 && (
        <a className="button button-small" href={api.agents.exportUrl(answered, { timeZone: browserTimeZone(), language })} title={t('agentTable.exportTitle', { total: rows.total })} download>
          {t('agentTable.export')}
        </a>
      )}
    </div>
  );
}
