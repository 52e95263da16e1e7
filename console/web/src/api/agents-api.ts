import {
  agentOverviewResponse,
  agentPage,
  agentResponse,
  effectivePolicyResponse,
  savedAgentFilterList,
  savedAgentFilterResponse,
  type AgentCondition,
  type AgentFilterSet,
  type AgentInfo,
  type AgentOverviewResponse,
  type AgentSortKey,
  type AgentSummary,
  type EffectivePolicyResponse,
  type Page,
  type ReportLanguage,
  type SavedAgentFilter,
  type SaveAgentFilterRequest,
} from '@dlp/shared';
import { buildUrl, type HttpClient, type QueryParams } from './http-client';

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
  /** The signed-in person's saved filter sets of the agent table, by name. */
  savedFilters(): Promise<SavedAgentFilter[]>;
  /** Saves the filters under a name, replacing the person's set of that name. */
  saveFilter(request: SaveAgentFilterRequest): Promise<SavedAgentFilter>;
  deleteFilter(id: string): Promise<void>;
  /** A same-origin link that downloads the filtered, sorted list as CSV (the console audits it). */
  exportUrl(filters: AgentFilterSet, options: { timeZone: string; language: ReportLanguage }): string;
}

function filterParams(filters: AgentFilterSet): QueryParams {
  return { search: filters.search, condition: filters.condition, os: filters.os, groupId: filters.groupId, online: filters.online, sort: filters.sort, order: filters.order };
}

/** The agents API over the shared HTTP client (answers parsed with the @dlp/shared schemas). */
export function createAgentsApi(http: HttpClient, baseUrl = ''): AgentsApi {
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
    savedFilters: async () => (await http.request('GET', '/api/v1/agents/saved-filters', savedAgentFilterList)).items,
    saveFilter: async (request) => (await http.request('POST', '/api/v1/agents/saved-filters', savedAgentFilterResponse, { body: request })).filter,
    deleteFilter: (id) => http.requestNoContent('DELETE', `/api/v1/agents/saved-filters/${encodeURIComponent(id)}`),
    exportUrl: (filters, options) => buildUrl(baseUrl, '/api/v1/agents/export.csv', { ...filterParams(filters), tz: options.timeZone, lang: options.language }),
  };
}
