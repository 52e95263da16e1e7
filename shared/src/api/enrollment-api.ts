import { z } from 'zod';
import { agentInfo } from '../schemas/agent-info';
import { timestamp } from '../schemas/primitives';

/** Where an enrollment request is: waiting for an admin, approved (the agent enrolls on its next try), rejected, or done. */
export const enrollRequestStatus = z.enum(['pending', 'approved', 'rejected', 'enrolled']);
export type EnrollRequestStatus = z.infer<typeof enrollRequestStatus>;

/** One item of GET /api/v1/enroll-requests: an agent that used a secret which needs approval. */
export const enrollRequestSummary = z.strictObject({
  id: z.string(),
  enrollSecretId: z.string(),
  secretLabel: z.string(),
  groupId: z.string(),
  agent: agentInfo,
  /** The address the request came from, as the console saw it. */
  remoteAddress: z.string().nullable(),
  requestedAt: timestamp,
  lastSeenAt: timestamp,
  status: enrollRequestStatus,
  decidedBy: z.string().nullable(),
  decidedAt: timestamp.nullable(),
  /** Set once an approved request enrolled. */
  agentId: z.string().nullable(),
});
export type EnrollRequestSummary = z.infer<typeof enrollRequestSummary>;
export const enrollRequestList = z.strictObject({ items: z.array(enrollRequestSummary) });

/** GET /api/v1/enroll-requests?status=pending (default: pending only). */
export const enrollRequestQuery = z.strictObject({ status: z.union([enrollRequestStatus, z.literal('all')]).optional() });

/** Answer of POST /api/v1/enroll-requests/:id/approve and …/reject. */
export const enrollRequestDecision = z.strictObject({ id: z.string(), status: enrollRequestStatus });
