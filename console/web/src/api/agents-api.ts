import { agentPage, agentResponse, effectivePolicyResponse, type AgentSummary, type EffectivePolicyResponse, type Page } from '@dlp/shared';
import type { HttpClient } from './http-client';

export interface AgentListQuery {
  cursor?: string;
  limit?: number;
}

/** Enrolled agents as the console knows them. */
export interface AgentsApi {
  list(query?: AgentListQuery): Promise<Page<AgentSummary>>;
  /** Admins: moves the agent to `groupId`; the console pushes that group's policy to it at once. */
  moveToGroup(agentId: string, groupId: string): Promise<AgentSummary>;
  /** Which group and policy version the agent must enforce, and whether it reports that serial. */
  effectivePolicy(agentId: string): Promise<EffectivePolicyResponse>;
}

/** The agents API over the shared HTTP client (answers parsed with the @dlp/shared schemas). */
export function createAgentsApi(http: HttpClient): AgentsApi {
  return {
    list: (query = {}) => http.request('GET', '/api/v1/agents', agentPage, { query: { cursor: query.cursor, limit: query.limit } }),
    moveToGroup: async (agentId, groupId) =>
      (await http.request('PUT', `/api/v1/agents/${encodeURIComponent(agentId)}/group`, agentResponse, { body: { groupId } })).agent,
    effectivePolicy: (agentId) => http.request('GET', `/api/v1/agents/${encodeURIComponent(agentId)}/effective-policy`, effectivePolicyResponse),
  };
}
