import { roleMay, type AgentOverviewResponse, type AgentSummary, type GroupSummary, type Page, type PolicySummary, type Role } from '@dlp/shared';
import { useApi } from '../../api';
import { useLoader, type Loaded } from '../../hooks/use-loader';
import type { AgentTableQuery } from '../../api/agents-api';
import { tableQueryOf, type AgentFilters } from './agent-filters';

/** Counts and the visible page refresh together, so "online" badges and counts stay current. */
const REFRESH_MS = 10_000;

export type AgentTablePage = Page<AgentSummary> & { total?: number | undefined; query: AgentTableQuery };

export interface AgentTableData {
  overview: Loaded<AgentOverviewResponse>;
  /** One page with the query it answers (what is on screen may be the previous query's while the next loads). */
  page: Loaded<AgentTablePage>;
  /** null when this reader may not list policies or groups (or the list failed): names are a nicety. */
  policies: PolicySummary[] | null;
  groups: GroupSummary[] | null;
}

/** The fleet overview, one page of the filtered, sorted agent list, and (for configuration readers) policy and group names. */
export function useAgentTable(filters: AgentFilters, role: Role | undefined): AgentTableData {
  const api = useApi();
  const canReadConfiguration = roleMay('configurationView', role);
  const query = tableQueryOf(filters);
  const overview = useLoader(() => api.agents.overview(), 'overview', REFRESH_MS);
  const page = useLoader(async () => ({ ...(await api.agents.table(query)), query }), JSON.stringify(query), REFRESH_MS);
  const names = useLoader(
    async () =>
      canReadConfiguration
        ? Promise.all([api.policies.list().catch(() => null), api.groups.list().catch(() => null)])
        : ([null, null] as const),
    String(canReadConfiguration),
  );
  return { overview, page, policies: names.data?.[0] ?? null, groups: names.data?.[1] ?? null };
}
