import { z } from 'zod';
import { LIMITS } from '../limits';
import { agentInfo, capabilityReport } from '../schemas/agent-info';
import { storedEvent } from '../schemas/event';
import { policyDocument } from '../schemas/policy';
import { agentId, shortString, timestamp } from '../schemas/primitives';
import { agentCondition, agentSortKey } from './agent-fleet-api';

/** Every REST error has this shape; `error` is a stable code, `message` is for people. */
export const apiError = z.strictObject({
  ok: z.literal(false),
  error: z.string(),
  message: z.string(),
  issues: z
    .array(
      z.strictObject({
        path: z.string(),
        message: z.string(),
        /** zod's issue code or a console code, with what a sentence in the reader's language needs. */
        code: z.string().max(64).optional(),
        params: z.record(z.string().max(64), z.union([z.string().max(2000), z.number(), z.boolean()])).optional(),
      }),
    )
    .optional(),
});
export type ApiError = z.infer<typeof apiError>;

/**
 * Header carrying a cookie session's CSRF token (from /auth/login or /auth/me) on every
 * state-changing request. Lower case: how Node presents header names.
 */
export const CSRF_HEADER = 'x-csrf-token';

export const role = z.enum(['admin', 'officer', 'auditor']);
export type Role = z.infer<typeof role>;

export const loginRequest = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const currentUser = z.strictObject({ id: z.string(), username: z.string(), role });
export type CurrentUser = z.infer<typeof currentUser>;

/** Opaque cursor for keyset pagination (base64url of the last row's sort key). */
export const cursor = z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by the API');

const limitParam = z.coerce.number().int().min(1).max(LIMITS.maxPageSize).default(LIMITS.defaultPageSize);

// GET /api/v1/events takes `eventSearchQuery` (event-search-api.ts).

export function pageOf<T extends z.ZodType>(item: T) {
  return z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const eventPage = pageOf(storedEvent);

/** GET /api/v1/agents query string. */
export const agentQuery = z.strictObject({
  online: z.enum(['true', 'false']).optional(),
  /** Only agents of this group. */
  groupId: z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'must be a group id').optional(),
  /** Case-insensitive substring of the host name or the logged-in user. */
  search: z.string().min(1).max(LIMITS.maxShortString).optional(),
  /** Only agents meeting this fleet-overview condition (agent-fleet-api.ts). */
  condition: agentCondition.optional(),
  os: agentInfo.shape.os.optional(),
  /**
   * With `condition`, `os`, `sort` or `offset` the answer is a sorted page at `offset` with the
   * filtered `total` (the table's paging); without them, pages in id order by `cursor`.
   */
  sort: agentSortKey.optional(),
  order: z.enum(['asc', 'desc']).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
  cursor: cursor.optional(),
  limit: limitParam,
});
export type AgentQuery = z.infer<typeof agentQuery>;

export const agentSummary = z.strictObject({
  id: agentId,
  info: agentInfo,
  online: z.boolean(),
  enrolledAt: timestamp,
  lastSeenAt: timestamp.nullable(),
  revoked: z.boolean(),
  /** Serial and version of the policy the agent last reported enforcing. */
  policySerial: z.number().int().nullable(),
  capabilities: capabilityReport.nullable(),
  ackedSeq: z.number().int(),
  /** The agent's last policy-receipt (rollout status); absent from consoles that do not report it. */
  lastPolicyReceipt: z
    .strictObject({
      serial: z.number().int(),
      hash: z.string(),
      status: z.enum(['applied', 'rejected']),
      error: z.string().nullable(),
      receivedAt: timestamp,
    })
    .nullable()
    .optional(),
  /** The agent's group (absent from consoles without groups). */
  group: z.strictObject({ id: z.string(), name: z.string() }).optional(),
  /** Serial the agent's group expects it to enforce (null: the group has no policy). */
  expectedPolicySerial: z.number().int().nullable().optional(),
  /** policySerial === expectedPolicySerial. */
  policyInSync: z.boolean().optional(),
  /**
   * The agent's clock against the console's: offsetMs = agent clock − console clock (smoothed over
   * hello and heartbeats; positive: the agent is ahead). Null until the agent reported its clock.
   */
  clock: z.strictObject({ offsetMs: z.number().int(), measuredAt: timestamp }).nullable().optional(),
  /** Tamper events (refused policy or exception) from the agent in the last 24 h; set by sorted/filtered listings. */
  tamperEvents24h: z.boolean().optional(),
  /** Bypass events from the agent in the last 24 h; set by sorted/filtered listings. */
  bypassEvents24h: z.boolean().optional(),
});
export type AgentSummary = z.infer<typeof agentSummary>;

/** The optional limits of an enroll secret (absent or null: no limit). */
export const enrollSecretLimits = {
  /** Agents the secret may enroll in all (then it is used up). */
  maxUses: z.number().int().min(1).max(1_000_000).nullable().optional(),
  /** After this time the secret enrolls nobody. */
  expiresAt: timestamp.nullable().optional(),
  /** New agents wait in the pending list until an admin approves them. */
  needsApproval: z.boolean().optional(),
  /** Enrollments per minute with this secret (default: the console's --enroll-rate). */
  ratePerMinute: z.number().int().min(1).max(100_000).nullable().optional(),
};

/** POST /api/v1/enroll-secrets */
export const createEnrollSecretRequest = z.strictObject({
  label: shortString,
  /** Agents enrolled with this secret join this group (default: the built-in `default`). */
  groupId: z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'must be a group id').optional(),
  ...enrollSecretLimits,
});
/** The secret is shown once, at creation; only its hash is kept. */
export const enrollSecretCreated = z.strictObject({
  id: z.string(),
  label: z.string(),
  secret: z.string(),
  createdAt: timestamp,
  groupId: z.string().optional(),
  ...enrollSecretLimits,
  uses: z.number().int().min(0).optional(),
});

/** POST /api/v1/policies and PUT /api/v1/policies/:id: every save publishes a new signed version. */
export const savePolicyRequest = z.strictObject({ document: policyDocument });
export type SavePolicyRequest = z.infer<typeof savePolicyRequest>;

export const policySummary = z.strictObject({
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  serial: z.number().int(),
  publishedAt: timestamp,
  mode: z.enum(['monitor', 'enforce']),
});
export type PolicySummary = z.infer<typeof policySummary>;

/** Route params that carry an id. */
export const idParam = z.strictObject({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/) });
