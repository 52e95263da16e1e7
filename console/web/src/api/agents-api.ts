import { agentPage, type AgentSummary, type Page } from '@dlp/shared';
import type { HttpClient } from './http-client';

export interface AgentListQuery {
  cursor?: string;
  limit?: number;
}

/** Enrolled agents as the console knows them. */
export interface AgentsApi {
  list(query?: AgentListQuery): Promise<Page<AgentSummary>>;
}

export function createAgentsApi(http: HttpClient): AgentsApi {
  return {
    list: (query = {}) => http.request('GET', '/api/v1/agents', agentPage, { query: { cursor: query.cursor, limit: query.limit } }),
  };
}
