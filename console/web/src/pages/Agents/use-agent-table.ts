import { roleMay, type AgentOverviewResponse, type GroupSummary, type PolicySummary, type Role } from '@dlp/shared';
import { useApi } from '../../api';
import { useLoader, type Loaded } from '../../hooks/use-loader';

/** The counts refresh as often as the rows in view (use-agent-rows.ts), so badges and counts agree. */
const REFRESH_MS = 10_000;

export interface AgentTableData {
  overview: Loaded<AgentOverviewResponse>;
  /** null when this reader may not list policies or groups (or the list failed): names are a nicety. */
  policies: PolicySummary[] | null;
  groups: GroupSummary[] | null;
}

/** The fleet overview and (for configuration readers) policy and group names; the rows are use-agent-rows.ts's. */
export function useAgentTable(role: Role | undefined): AgentTableData {
  const api = useApi();
  const canReadConfiguration = roleMay('configurationView', role);
  const overview = useLoader(() => api.agents.overview(), 'overview', REFRESH_MS);
  const names = useLoader(
    async () =>
      canReadConfiguration
        ? Promise.all([api.policies.list().catch(() => null), api.groups.list().catch(() => null)])
        : ([null, null] as const),
    String(canReadConfiguration),
  );
  return { overview, policies: names.data?.[0] ?? null, groups: names.data?.[1] ?? null };
}
