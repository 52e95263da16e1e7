import { agentScanList, agentScanResponse, type AgentScan } from '@dlp/shared';
import type { HttpClient } from './http-client';

/** Scans of data at rest the console asks an agent for (issue 16). */
export interface AgentScansApi {
  /** The scans asked of this agent, newest first, as the agent last reported them. */
  list(agentId: string): Promise<AgentScan[]>;
  /** Officers and admins: asks the (online) agent to scan `path` on its host; 409 when it cannot now. */
  request(agentId: string, path: string): Promise<AgentScan>;
}

export function createAgentScansApi(http: HttpClient): AgentScansApi {
  const url = (agentId: string) => `/api/v1/agents/${encodeURIComponent(agentId)}/scans`;
  return {
    list: async (agentId) => (await http.request('GET', url(agentId), agentScanList)).items,
    request: async (agentId, path) => (await http.request('POST', url(agentId), agentScanResponse, { body: { path } })).scan,
  };
}
