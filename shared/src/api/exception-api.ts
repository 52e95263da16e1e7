import { z } from 'zod';
import { LIMITS } from '../limits';
import { exceptionJustification as justification, exceptionRequestTarget, MAX_EXCEPTION_MINUTES } from '../schemas/exception-request';
import { deviceIdentity } from '../schemas/exception';
import { agentId, shortString, text, timestamp, usbId } from '../schemas/primitives';
import { cursor } from './rest';

/** Exceptions requested by employees and decided by officers, and offline unlock codes (issue 4 §6). */

/**
 * pending → approved (signed, pushed; `expired` once its time is over) | denied;
 * approved → revoked. `expired` is computed from `expiresAt`, never stored.
 */
export const exceptionState = z.enum(['pending', 'approved', 'denied', 'revoked', 'expired']);
export type ExceptionState = z.infer<typeof exceptionState>;

/**
 * Who filed or decided: the person (for an API token: its owner) and, on records made since
 * persons are recorded, the credential (`via`, and the token for `api-token`).
 */
export const exceptionActor = z.strictObject({
  id: z.string(),
  username: z.string(),
  role: z.string(),
  via: z.enum(['session', 'api-token']).optional(),
  tokenId: z.string().optional(),
  tokenName: z.string().optional(),
});

export const exceptionView = z.strictObject({
  id: z.string(),
  agentId,
  hostname: z.string(),
  state: exceptionState,
  target: exceptionRequestTarget,
  justification: z.string(),
  requestedMinutes: z.number().int(),
  /** The workstation user who asked (agent requests), or null. */
  requestedBy: z.string().nullable(),
  /** The console user who filed it on someone's behalf (console requests), or null. */
  createdBy: exceptionActor.nullable(),
  requestedAt: timestamp,
  decidedBy: exceptionActor.nullable(),
  decidedAt: timestamp.nullable(),
  /** Approval note or denial reason. */
  decisionNote: z.string().nullable(),
  grantedMinutes: z.number().int().nullable(),
  expiresAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
  /** Console-wide serial of the signed exception. */
  serial: z.number().int().nullable(),
  /** What the agent answered to the grant (or to the revoke, once revoked); null until it did. */
  delivery: z.strictObject({ status: z.enum(['applied', 'rejected']), action: z.enum(['grant', 'revoke']), error: z.string().nullable(), at: timestamp }).nullable(),
});
export type ExceptionView = z.infer<typeof exceptionView>;

/** GET /api/v1/exceptions query string (newest first). */
export const exceptionQuery = z.strictObject({
  state: exceptionState.optional(),
  agentId: agentId.optional(),
  cursor: cursor.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxPageSize).default(LIMITS.defaultPageSize),
});
export type ExceptionQuery = z.infer<typeof exceptionQuery>;

export const exceptionPage = z.strictObject({ items: z.array(exceptionView), nextCursor: z.string().nullable() });
export const exceptionResponse = z.strictObject({ exception: exceptionView });

/** POST /api/v1/exceptions: an officer or admin files a request on an employee's behalf. */
export const createExceptionRequest = z.strictObject({
  agentId,
  target: exceptionRequestTarget,
  justification,
  requestedMinutes: z.number().int().min(1).max(MAX_EXCEPTION_MINUTES),
});
export type CreateExceptionRequest = z.infer<typeof createExceptionRequest>;

/** POST /api/v1/exceptions/:id/approve: the duration may be shortened, never lengthened. */
export const approveExceptionRequest = z.strictObject({
  durationMinutes: z.number().int().min(1).max(MAX_EXCEPTION_MINUTES).optional(),
  note: text,
  /** USB only: grant read-only use instead of full use. */
  readOnly: z.boolean().optional(),
});
export type ApproveExceptionRequest = z.infer<typeof approveExceptionRequest>;

/** POST /api/v1/exceptions/:id/deny */
export const denyExceptionRequest = z.strictObject({ reason: justification });
export type DenyExceptionRequest = z.infer<typeof denyExceptionRequest>;

/** POST /api/v1/exceptions/:id/revoke */
export const revokeExceptionRequest = z.strictObject({ reason: text.optional() });
export type RevokeExceptionRequest = z.infer<typeof revokeExceptionRequest>;

/** POST /api/v1/agents/:id/unlock-codes */
export const unlockCodeRequest = z.strictObject({
  vendorId: usbId,
  productId: usbId,
  serial: shortString,
  /** Up to 30 days (MAX_UNLOCK_MINUTES in @dlp/shared/node). */
  durationMinutes: z.number().int().min(1).max(30 * 24 * 60),
  reason: justification,
});
export type UnlockCodeRequest = z.infer<typeof unlockCodeRequest>;

/** 201: the code is shown once (it is not stored; the audit log records that one was issued). */
export const unlockCodeIssued = z.strictObject({ agentId, device: deviceIdentity, code: z.string(), expiresAt: timestamp });
export type UnlockCodeIssued = z.infer<typeof unlockCodeIssued>;

/**
 * POST /api/v1/agents/:id/uninstall-codes (admins): a code the package's removal script accepts on
 * that workstation, once, while the agent enforces a policy (issue 14). Up to 7 days
 * (MAX_UNINSTALL_MINUTES in @dlp/shared/node).
 */
export const uninstallCodeRequest = z.strictObject({
  durationMinutes: z.number().int().min(1).max(7 * 24 * 60),
  reason: justification,
});
export type UninstallCodeRequest = z.infer<typeof uninstallCodeRequest>;

/** 201: shown once, never stored; the audit log records who issued one, for which agent, until when. */
export const uninstallCodeIssued = z.strictObject({ agentId, code: z.string(), expiresAt: timestamp });
export type UninstallCodeIssued = z.infer<typeof uninstallCodeIssued>;
