import {
  agentOverviewResponse,
  agentPage,
  agentResponse,
  effectivePolicyResponse,
  type AgentCondition,
  type AgentInfo,
  type AgentOverviewResponse,
  type AgentSortKey,
  type AgentSummary,
  type EffectivePolicyResponse,
  type Page,
} from '@dlp/shared';
import type { HttpClient } from './http-client';

export interface AgentListQuery {
  cursor?: string;
  limit?: number;
}

/** The agent table's filters, sort and page (the fleet view of GET /api/v1/agents). */
export interface AgentTableQuery {
  search?: string;
  condition?: AgentCondition;
  os?: AgentInfo['os'];
  groupId?: string;
  online?: 'true' | 'false';
  sort?: AgentSortKey;
  order?: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** Enrolled agents as the console knows them. */
export interface AgentsApi {
  list(query?: AgentListQuery): Promise<Page<AgentSummary>>;
  /** One sorted, filtered page and the number of agents matching the filters. */
  table(query: AgentTableQuery): Promise<Page<AgentSummary> & { total?: number | undefined }>;
  /** One agent (the host page); 404 `not_found` when the console does not know it. */
  get(agentId: string): Promise<AgentSummary>;
  /** Agents per fleet condition, counted by the console with the list's own predicate. */
  overview(): Promise<AgentOverviewResponse>;
  /** Admins: moves the agent to `groupId`; the console pushes that group's policy to it at once. */
  moveToGroup(agentId: string, groupId: string): Promise<AgentSummary>;
  /** Which group and policy version the agent must enforce, and whether it reports that serial. */
  effectivePolicy(agentId: string): Promise<EffectivePolicyResponse>;
}

/** The agents API over the shared HTTP client (answers parsed with the @dlp/shared schemas). */
export function createAgentsApi(http: HttpClient): AgentsApi {
  return {
    list: (query = {}) => http.request('GET', '/api/v1/agents', agentPage, { query: { cursor: query.cursor, limit: query.limit } }),
    table: (query) =>
      http.request('GET', '/api/v1/agents', agentPage, {
        query: {
          search: query.search,
          condition: query.condition,
          os: query.os,
          groupId: query.groupId,
          online: query.online,
          sort: query.sort,
          order: query.order,
          offset: query.offset,
          limit: query.limit,
        },
      }),
    get: async (agentId) => (await http.request('GET', `/api/v1/agents/${encodeURIComponent(agentId)}`, agentResponse)).agent,
    overview: () => http.request('GET', '/api/v1/agents/overview', agentOverviewResponse),
    moveToGroup: async (agentId, groupId) =>
      (await http.request('PUT', `/api/v1/agents/${encodeURIComponent(agentId)}/group`, agentResponse, { body: { groupId } })).agent,
    effectivePolicy: (agentId) => http.request('GET', `/api/v1/agents/${encodeURIComponent(agentId)}/effective-policy`, effectivePolicyResponse),
  };
}
