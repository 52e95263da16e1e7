import {
  draftDetail,
  draftList,
  impactReport,
  policyDetail,
  policyDiff,
  policyList,
  publishResponse,
  type DraftDetail,
  type DraftSummary,
  type ImpactReport,
  type PolicyDetail,
  type PolicyDiff,
  type PolicySummary,
  type PublishResponse,
} from '@dlp/shared';
import type { HttpClient } from './http-client';

const path = (id: string) => `/api/v1/policies/${encodeURIComponent(id)}`;
const draftPath = (id: string) => `/api/v1/drafts/${encodeURIComponent(id)}`;

/** Policies (current versions, history, diff, rollback) and their drafts (edit, preview, publish). */
export interface PoliciesApi {
  list(): Promise<PolicySummary[]>;
  get(id: string): Promise<PolicyDetail>;
  /** Every published version, newest first. */
  versions(id: string): Promise<PolicySummary[]>;
  diff(id: string, from: number, to: number): Promise<PolicyDiff>;
  /** Republishes an old version's content as a new version; 409 `already_current`. */
  rollback(id: string, version: number): Promise<PublishResponse>;
  drafts(policyId: string): Promise<DraftSummary[]>;
  /** A draft copied from the current version. */
  createDraft(policyId: string): Promise<DraftDetail>;
  getDraft(draftId: string): Promise<DraftDetail>;
  /** `document` is sent as typed; the console answers 400 `invalid_policy` with document-relative field paths. */
  updateDraft(draftId: string, document: unknown): Promise<DraftDetail>;
  deleteDraft(draftId: string): Promise<void>;
  /** 409 `stale_draft` when another version was published since the draft was made. */
  publishDraft(draftId: string): Promise<PublishResponse>;
  /** Without `groupId`: the groups that use the draft's policy. */
  impact(draftId: string, days: number, groupId?: string): Promise<ImpactReport>;
}

/** The policies API over the shared HTTP client (answers parsed with the @dlp/shared schemas). */
export function createPoliciesApi(http: HttpClient): PoliciesApi {
  return {
    list: async () => (await http.request('GET', '/api/v1/policies', policyList)).items,
    get: (id) => http.request('GET', path(id), policyDetail),
    versions: async (id) => (await http.request('GET', `${path(id)}/versions`, policyList)).items,
    diff: (id, from, to) => http.request('GET', `${path(id)}/diff`, policyDiff, { query: { from, to } }),
    rollback: (id, version) => http.request('POST', `${path(id)}/rollback`, publishResponse, { body: { version } }),
    drafts: async (policyId) => (await http.request('GET', `${path(policyId)}/drafts`, draftList)).items,
    createDraft: (policyId) => http.request('POST', `${path(policyId)}/drafts`, draftDetail, { body: {} }),
    getDraft: (draftId) => http.request('GET', draftPath(draftId), draftDetail),
    updateDraft: (draftId, document) => http.request('PUT', draftPath(draftId), draftDetail, { body: { document } }),
    deleteDraft: (draftId) => http.requestNoContent('DELETE', draftPath(draftId)),
    publishDraft: (draftId) => http.request('POST', `${draftPath(draftId)}/publish`, publishResponse, { body: {} }),
    impact: (draftId, days, groupId) => http.request('POST', `${draftPath(draftId)}/impact`, impactReport, { body: groupId === undefined ? { days } : { days, groupId } }),
  };
}
