import { z } from 'zod';
import { signedPolicy } from '../schemas/policy';
import { agentId, shortString, timestamp } from '../schemas/primitives';

/**
 * Groups, agent assignment, effective policy and rollout (issue 4 §1, §3). Every response body here
 * is what the console sends with a 2xx status.
 */

/** Ids of groups and policies as they appear in paths and bodies (`default`, or a UUIDv7). */
export const entityId = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'must be an id returned by the API');

/** POST /api/v1/groups → 201 { group } */
export const createGroupRequest = z.strictObject({
  name: shortString,
  /** The policy the group's agents enforce; without one they keep the policy they hold. */
  policyId: entityId.optional(),
});
export type CreateGroupRequest = z.infer<typeof createGroupRequest>;

/** PATCH /api/v1/groups/:id → 200 { group }: rename and/or assign another policy. */
export const updateGroupRequest = z
  .strictObject({ name: shortString.optional(), policyId: entityId.optional() })
  .refine((body) => body.name !== undefined || body.policyId !== undefined, { message: 'give name or policyId', path: ['name'] });
export type UpdateGroupRequest = z.infer<typeof updateGroupRequest>;

/** PUT /api/v1/agents/:id/group → 200 { agent } */
export const moveAgentRequest = z.strictObject({ groupId: entityId });
export type MoveAgentRequest = z.infer<typeof moveAgentRequest>;

/** The policy version an agent must enforce and what it last reported. */
export const effectivePolicyResponse = z.strictObject({
  agentId,
  group: z.strictObject({ id: z.string(), name: z.string() }),
  /** null when the agent's group has no policy. */
  policy: z
    .strictObject({ id: z.string(), name: z.string(), version: z.number().int(), serial: z.number().int(), mode: z.enum(['monitor', 'enforce']) })
    .nullable(),
  /** The bundle exactly as agents of the group receive it. */
  signed: signedPolicy.nullable(),
  /** Human-readable origin, e.g. `group "Finance" → policy "Strict" v3 (serial 12)`. */
  source: z.string(),
  /** Serial the agent last said it enforces, and whether that is the expected one. */
  appliedSerial: z.number().int().nullable(),
  inSync: z.boolean(),
});
export type EffectivePolicyResponse = z.infer<typeof effectivePolicyResponse>;

/** An agent that refused the group's current policy. */
export const rolloutFailure = z.strictObject({
  agentId,
  hostname: z.string(),
  serial: z.number().int(),
  error: z.string().nullable(),
  receivedAt: timestamp,
});

/**
 * Rollout of one group's current policy serial. Each non-revoked agent counts once: `applied` (it
 * enforces the serial), `failed` (it rejected that serial), `offline` (neither, and not connected),
 * `pending` (neither, connected: the policy is on its way).
 */
export const groupRollout = z.strictObject({
  groupId: z.string(),
  groupName: z.string(),
  policyId: z.string().nullable(),
  policyName: z.string().nullable(),
  version: z.number().int().nullable(),
  serial: z.number().int().nullable(),
  total: z.number().int(),
  applied: z.number().int(),
  pending: z.number().int(),
  failed: z.number().int(),
  offline: z.number().int(),
  failedAgents: z.array(rolloutFailure),
});
export type GroupRollout = z.infer<typeof groupRollout>;

/** GET /api/v1/rollout */
export const rolloutList = z.strictObject({ items: z.array(groupRollout) });
/** GET /api/v1/groups/:id/rollout */
export const groupRolloutResponse = z.strictObject({ rollout: groupRollout });
