import { z } from 'zod';
import { LIMITS } from '../limits';
import { timestamp } from '../schemas/primitives';
import { cursor, pageOf, role } from './rest';

/**
 * The tamper-evident audit log's REST shapes. Rows form a SHA-256 hash chain (see docs/API.md,
 * "Audit chain"): each row's `hash` covers the row and the previous row's hash.
 */

/** Who did it: a person or API token (with the role it acted in), or the console itself. */
export const auditActor = z.union([
  z.strictObject({ kind: z.literal('user'), id: z.string(), username: z.string(), role }),
  z.strictObject({ kind: z.literal('system'), system: z.string() }),
]);
export type AuditActor = z.infer<typeof auditActor>;

export const auditTarget = z.strictObject({ type: z.string(), id: z.string() });

/** One audit row as the API shows it. `before`/`after` never hold secrets (they are redacted). */
export const auditEntry = z.strictObject({
  /** 1, 2, 3…: the row's place in the chain. */
  id: z.number().int().min(1),
  at: timestamp,
  actor: auditActor,
  /** Dotted verb, e.g. `user.create`, `auth.login_failed`, `policy.publish`. */
  action: z.string(),
  target: auditTarget.nullable(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  sourceIp: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

const filterString = z.string().min(1).max(LIMITS.maxShortString);

/** GET /api/v1/audit query string. Newest first; ranges are half-open: from ≤ at < to. */
export const auditQuery = z.strictObject({
  from: timestamp.optional(),
  to: timestamp.optional(),
  /** Username (or system name) of the actor. */
  actor: filterString.optional(),
  /** Exact action, or a prefix ending in `.` (e.g. `user.`) for a family of actions. */
  action: filterString.optional(),
  targetType: filterString.optional(),
  targetId: filterString.optional(),
  cursor: cursor.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxPageSize).default(LIMITS.defaultPageSize),
});
export type AuditQuery = z.infer<typeof auditQuery>;

/** GET /api/v1/audit/export.csv accepts the same filters, without paging. */
export const auditExportQuery = auditQuery.omit({ cursor: true, limit: true });
export type AuditExportQuery = z.infer<typeof auditExportQuery>;

export const auditPage = pageOf(auditEntry);

/** GET /api/v1/audit/verify */
export const auditVerifyResult = z.discriminatedUnion('ok', [
  /** `headHash`: the last row's hash (64 zeros when empty); write it down to detect later truncation. */
  z.strictObject({ ok: z.literal(true), rows: z.number().int().min(0), headHash: z.string() }),
  z.strictObject({ ok: z.literal(false), firstBrokenId: z.number().int(), reason: z.string() }),
]);
export type AuditVerifyResult = z.infer<typeof auditVerifyResult>;
