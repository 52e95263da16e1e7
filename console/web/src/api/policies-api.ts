import { policyList, type PolicySummary } from '@dlp/shared';
import type { HttpClient } from './http-client';

/** Published policies (current version of each). */
export interface PoliciesApi {
  list(): Promise<PolicySummary[]>;
}

export function createPoliciesApi(http: HttpClient): PoliciesApi {
  return {
    list: async () => (await http.request('GET', '/api/v1/policies', policyList)).items,
  };
}
