import {
  enrollRequestDecision,
  enrollRequestList,
  enrollSecretCreated,
  enrollSecretList,
  groupList,
  groupNameList,
  groupResponse,
  rolloutList,
  type EnrollRequestStatus,
  type EnrollRequestSummary,
  type EnrollSecretSummary,
  type GroupName,
  type GroupRollout,
  type GroupSummary,
} from '@dlp/shared';
import type { z } from 'zod';
import type { HttpClient } from './http-client';

/** The one answer that carries an enroll secret; it is never shown again. */
export type EnrollSecretCreated = z.infer<typeof enrollSecretCreated>;

/** Groups, their policy, rollout progress and enroll secrets (admins change; auditors read groups). */
export interface GroupsApi {
  list(): Promise<GroupSummary[]>;
  /** Every group's id and name (every role: the search's group filter). */
  names(): Promise<GroupName[]>;
  /** 409 `group_exists`. */
  create(name: string, policyId?: string): Promise<GroupSummary>;
  assignPolicy(groupId: string, policyId: string): Promise<GroupSummary>;
  /** 409 `group_exists`; 409 `built_in_group` for the built-in group. */
  rename(groupId: string, name: string): Promise<GroupSummary>;
  /** 409 `built_in_group`; 409 `group_not_empty` while agents (revoked included) or enroll secrets point at it. */
  delete(groupId: string): Promise<void>;
  rollout(): Promise<GroupRollout[]>;
  enrollSecrets(): Promise<EnrollSecretSummary[]>;
  createEnrollSecret(label: string, groupId: string, limits?: EnrollSecretLimitsInput): Promise<EnrollSecretCreated>;
  deleteEnrollSecret(id: string): Promise<void>;
  /** Agents that used a secret needing approval (default: those still waiting). */
  enrollRequests(status?: EnrollRequestStatus | 'all'): Promise<EnrollRequestSummary[]>;
  /** 409 `not_pending` when someone decided first. */
  decideEnrollRequest(id: string, verb: 'approve' | 'reject'): Promise<EnrollRequestStatus>;
}

/** Optional limits of a new enroll secret (absent: no limit). */
export interface EnrollSecretLimitsInput {
  maxUses?: number;
  expiresAt?: string;
  needsApproval?: boolean;
  ratePerMinute?: number;
}

/** The groups API over the shared HTTP client (answers parsed with the @dlp/shared schemas). */
export function createGroupsApi(http: HttpClient): GroupsApi {
  return {
    list: async () => (await http.request('GET', '/api/v1/groups', groupList)).items,
    names: async () => (await http.request('GET', '/api/v1/groups/names', groupNameList)).items,
    create: async (name, policyId) => (await http.request('POST', '/api/v1/groups', groupResponse, { body: { name, policyId } })).group,
    assignPolicy: async (groupId, policyId) =>
      (await http.request('PUT', `/api/v1/groups/${encodeURIComponent(groupId)}/policy`, groupResponse, { body: { policyId } })).group,
    rename: async (groupId, name) =>
      (await http.request('PATCH', `/api/v1/groups/${encodeURIComponent(groupId)}`, groupResponse, { body: { name } })).group,
    delete: (groupId) => http.requestNoContent('DELETE', `/api/v1/groups/${encodeURIComponent(groupId)}`),
    rollout: async () => (await http.request('GET', '/api/v1/rollout', rolloutList)).items,
    enrollSecrets: async () => (await http.request('GET', '/api/v1/enroll-secrets', enrollSecretList)).items,
    createEnrollSecret: (label, groupId, limits = {}) => http.request('POST', '/api/v1/enroll-secrets', enrollSecretCreated, { body: { label, groupId, ...limits } }),
    deleteEnrollSecret: (id) => http.requestNoContent('DELETE', `/api/v1/enroll-secrets/${encodeURIComponent(id)}`),
    enrollRequests: async (status = 'pending') => (await http.request('GET', `/api/v1/enroll-requests?status=${status}`, enrollRequestList)).items,
    decideEnrollRequest: async (id, verb) => (await http.request('POST', `/api/v1/enroll-requests/${encodeURIComponent(id)}/${verb}`, enrollRequestDecision)).status,
  };
}
