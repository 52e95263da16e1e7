import { z } from 'zod';
import { policyDocument, signedPolicy } from '../schemas/policy';
import { timestamp } from '../schemas/primitives';
import { agentSummary, currentUser, enrollSecretLimits, pageOf, policySummary } from './rest';

/**
 * Request and response shapes of the console REST API that rest.ts does not define yet. Every
 * response body here is what the console sends with a 2xx status.
 */

/**
 * POST /api/v1/auth/login (200) and GET /api/v1/auth/me. `csrfToken` (cookie sessions) goes in the
 * `x-csrf-token` header of every POST/PUT/PATCH/DELETE; `mustChangePassword: true` means every
 * route but /auth/me, /auth/password and /auth/logout answers 403 `password_expired` until changed.
 */
export const currentUserResponse = z.strictObject({
  user: currentUser,
  csrfToken: z.string().optional(),
  mustChangePassword: z.boolean().optional(),
});
export type CurrentUserResponse = z.infer<typeof currentUserResponse>;

/** One item of GET /api/v1/enroll-secrets: the secret itself is never shown again. */
export const enrollSecretSummary = z.strictObject({
  id: z.string(),
  label: z.string(),
  createdAt: timestamp,
  groupId: z.string().optional(),
  ...enrollSecretLimits,
  /** Agents enrolled with the secret so far. */
  uses: z.number().int().min(0).optional(),
  /** Requests waiting for an admin's approval. */
  pending: z.number().int().min(0).optional(),
});
export type EnrollSecretSummary = z.infer<typeof enrollSecretSummary>;
export const enrollSecretList = z.strictObject({ items: z.array(enrollSecretSummary) });

/** GET /api/v1/policies, GET /api/v1/policies/:id/versions (newest first). */
export const policyList = z.strictObject({ items: z.array(policySummary) });
export type PolicyList = z.infer<typeof policyList>;

/** POST /api/v1/policies (201), PUT /api/v1/policies/:id (200). */
export const policySaved = z.strictObject({ policy: policySummary });

/** GET /api/v1/policies/:id: the current version, its document and the bundle exactly as agents get it. */
export const policyDetail = z.strictObject({ policy: policySummary, document: policyDocument, signed: signedPolicy });
export type PolicyDetail = z.infer<typeof policyDetail>;

/** The built-in group every agent joins unless its enroll secret says otherwise. */
export const DEFAULT_GROUP_ID = 'default';

export const groupSummary = z.strictObject({
  id: z.string(),
  name: z.string(),
  /** The policy assigned to the group (null: none yet). */
  policyId: z.string().nullable(),
  builtIn: z.boolean(),
  /** Non-revoked agents in the group. */
  agentCount: z.number().int().optional(),
});
export type GroupSummary = z.infer<typeof groupSummary>;

/** GET /api/v1/groups */
export const groupList = z.strictObject({ items: z.array(groupSummary) });

/**
 * GET /api/v1/groups/names: every group's id and name, for search filters. Every signed-in role may
 * read it (an officer filters events by group; events name their group anyway); the rest of a
 * group (policy, agent count) stays configuration.
 */
export const groupNameList = z.strictObject({ items: z.array(z.strictObject({ id: z.string(), name: z.string() })) });
export type GroupName = z.infer<typeof groupNameList>['items'][number];

/** PUT /api/v1/groups/:id/policy → 200 { group: GroupSummary } */
export const assignGroupPolicyRequest = z.strictObject({ policyId: z.string().min(1).max(64) });
export type AssignGroupPolicyRequest = z.infer<typeof assignGroupPolicyRequest>;
export const groupResponse = z.strictObject({ group: groupSummary });

/** GET /api/v1/agents */
export const agentPage = pageOf(agentSummary).extend({
  /** Agents matching the filters in all: set by sorted/filtered listings (agentQuery's `offset` paging). */
  total: z.number().int().min(0).optional(),
});
/** GET /api/v1/agents/:id and POST /api/v1/agents/:id/revoke */
export const agentResponse = z.strictObject({ agent: agentSummary });
