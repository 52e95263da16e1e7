import { z } from 'zod';
import { LIMITS, PROTOCOL_VERSION } from '../limits';
import { agentInfo, capabilityReport } from './agent-info';
import { agentEvent } from './event';
import { signedException } from './exception';
import { exceptionRequestMessage } from './exception-request';
import { signedGroupAssignment, signedPolicy } from './policy';
import { scanRequestMessage, scanStatusMessage } from './protocol-scan';
import { agentId, nonNegativeInt, positiveInt, sha256Hex, shortString, text, timestamp } from './primitives';

/**
 * The agent ↔ console wire protocol: one JSON object per ws text frame, `{ v, type, ... }`.
 * A new message type is a new member of the union; a breaking change bumps PROTOCOL_VERSION.
 */
const v = z.literal(PROTOCOL_VERSION);

/** Agent token: 43 base64url characters (32 random bytes). */
export const agentToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a 43-character token');

/**
 * The per-agent key offline unlock codes are checked with: exactly 32 bytes in standard base64
 * (44 characters; the last data character carries 2 padding bits, hence its restricted set).
 */
export const unlockKeyBase64 = z.string().regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, 'must be 32 bytes in base64');

/** agent → console, first message of an unenrolled agent. */
export const enrollMessage = z.strictObject({
  v,
  type: z.literal('enroll'),
  secret: z.string().min(16).max(128),
  agent: agentInfo,
  /**
   * A random key the agent keeps while it enrolls: it names the agent's request in the console's
   * pending list when the secret needs an admin's approval (the agent retries with the same key).
   */
  requestKey: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, 'must be 22-64 base64url characters').optional(),
});

/** console → agent: the agent's credentials and the console key it must pin. */
export const enrolledMessage = z.strictObject({
  v,
  type: z.literal('enrolled'),
  agentId,
  token: agentToken,
  /** The console's Ed25519 public key (SPKI, base64) and its fingerprint. */
  consoleKey: z.strictObject({ keyId: z.string().regex(/^[0-9a-f]{16}$/), publicKey: z.string().min(40).max(200) }),
  /**
   * The agent's unlock key (a secret: stored root-only, never logged). Without it the agent cannot
   * check offline unlock codes; an older console may leave it out.
   */
  unlockKey: unlockKeyBase64.optional(),
});

/** agent → console, first message of an enrolled agent on every connection. */
export const helloMessage = z.strictObject({
  v,
  type: z.literal('hello'),
  agentId,
  token: agentToken,
  agent: agentInfo,
  /** Serial of the policy the agent enforces now (null before its first policy). */
  policySerial: positiveInt.nullable(),
  capabilities: capabilityReport.optional(),
  /**
   * The agent's clock when it sent the hello (heartbeats carry it as `sentAt` too): the console
   * measures the agent's clock offset from it. Absent from older agents.
   */
  sentAt: timestamp.optional(),
});

/** console → agent after a good hello: what is already committed, so the agent can trim its outbox. */
export const welcomeMessage = z.strictObject({
  v,
  type: z.literal('welcome'),
  serverTime: timestamp,
  ackedSeq: nonNegativeInt,
});

/** console → agent: the policy this agent must enforce. */
export const policyMessage = z.strictObject({ v, type: z.literal('policy'), policy: signedPolicy });

/**
 * console → agent: the agent's group, signed (sent after every welcome and on every move, before
 * the group's policy). The agent accepts a group-bound policy only for the group it names.
 */
export const groupAssignmentMessage = z.strictObject({ v, type: z.literal('group-assignment'), assignment: signedGroupAssignment });

/** agent → console: the result of applying a policy (rollout receipts). */
export const policyReceiptMessage = z.strictObject({
  v,
  type: z.literal('policy-receipt'),
  serial: positiveInt,
  hash: sha256Hex,
  status: z.enum(['applied', 'rejected']),
  error: text.optional(),
});

/**
 * console → agent: a time-boxed exception, signed by the console. The agent verifies it against the
 * pinned key (and that it is for this agent and not expired) before it relaxes anything.
 */
export const exceptionMessage = z.strictObject({ v, type: z.literal('exception'), exception: signedException });

/**
 * console → agent: withdraw an exception before it expires. Deliberately NOT signed: a revoke can
 * only make the agent stricter (it removes a permission, it never grants one), so a forged revoke
 * is at worst a denial of an exception, never a bypass; the connection is authenticated anyway.
 * `serial` is the withdrawn exception's serial, so the console can match the receipt.
 */
export const exceptionRevokeMessage = z.strictObject({ v, type: z.literal('exception-revoke'), id: z.uuidv7(), serial: positiveInt });

/** agent → console: the result of an `exception` (or, with `action: 'revoke'`, an `exception-revoke`). */
export const exceptionReceiptMessage = z.strictObject({
  v,
  type: z.literal('exception-receipt'),
  id: z.uuidv7(),
  status: z.enum(['applied', 'rejected']),
  /** What the receipt answers; absent means the exception itself (a grant). */
  action: z.enum(['grant', 'revoke']).optional(),
  error: text.optional(),
});

/** agent → console: a batch of events, ordered by seq. */
export const eventsMessage = z.strictObject({
  v,
  type: z.literal('events'),
  events: z.array(agentEvent).min(1).max(LIMITS.maxBatchEvents),
}).superRefine((msg, ctx) => {
  for (let i = 1; i < msg.events.length; i++) {
    const prev = msg.events[i - 1];
    const cur = msg.events[i];
    if (prev && cur && cur.seq <= prev.seq) {
      ctx.addIssue({ code: 'custom', path: ['events', i, 'seq'], message: 'sequence numbers must increase within a batch' });
    }
  }
});

/** console → agent: every event with seq ≤ upTo is committed and may be deleted from the outbox. */
export const ackMessage = z.strictObject({ v, type: z.literal('ack'), upTo: nonNegativeInt });

/** agent → console: the capability report changed (helper restarted, fallback engaged…). */
export const capabilitiesMessage = z.strictObject({ v, type: z.literal('capabilities'), capabilities: capabilityReport });

/**
 * either way: liveness, plus the agent's outbox depth for the console's metrics. `sentAt` is the
 * sender's clock: the console measures an agent's clock offset from it.
 */
export const heartbeatMessage = z.strictObject({
  v,
  type: z.literal('heartbeat'),
  sentAt: timestamp,
  outboxDepth: nonNegativeInt.optional(),
});

/**
 * `error` codes of an enrollment to ask again after `retryAfterMs` (the connection then closes with
 * CLOSE_CODES.enrollPending or CLOSE_CODES.rateLimited).
 */
export const ENROLL_WAIT_CODES = {
  /** The enroll secret needs an admin's approval and this request is waiting. */
  pending: 'enroll_pending',
  /** Too many enrollments with this secret right now. */
  rateLimited: 'rate_limited',
} as const;
export type EnrollWaitCode = (typeof ENROLL_WAIT_CODES)[keyof typeof ENROLL_WAIT_CODES];

/** console → agent before it closes a connection, or for a request it refused. */
export const errorMessage = z.strictObject({
  v,
  type: z.literal('error'),
  code: shortString,
  message: text,
  /** When to try again (`enroll_pending`, `rate_limited`): the agent waits at least this long. */
  retryAfterMs: z.number().int().min(0).max(86_400_000).optional(),
});

export const agentToConsoleMessage = z.discriminatedUnion('type', [
  enrollMessage,
  helloMessage,
  eventsMessage,
  policyReceiptMessage,
  capabilitiesMessage,
  heartbeatMessage,
  exceptionReceiptMessage,
  exceptionRequestMessage,
  scanStatusMessage,
]);
export type AgentToConsoleMessage = z.infer<typeof agentToConsoleMessage>;

export const consoleToAgentMessage = z.discriminatedUnion('type', [
  enrolledMessage,
  welcomeMessage,
  policyMessage,
  ackMessage,
  heartbeatMessage,
  errorMessage,
  exceptionMessage,
  exceptionRevokeMessage,
  groupAssignmentMessage,
  scanRequestMessage,
]);
export type ConsoleToAgentMessage = z.infer<typeof consoleToAgentMessage>;

export type EnrollMessage = z.infer<typeof enrollMessage>;
export type EnrolledMessage = z.infer<typeof enrolledMessage>;
export type HelloMessage = z.infer<typeof helloMessage>;
export type WelcomeMessage = z.infer<typeof welcomeMessage>;
export type PolicyMessage = z.infer<typeof policyMessage>;
export type GroupAssignmentMessage = z.infer<typeof groupAssignmentMessage>;
export type PolicyReceiptMessage = z.infer<typeof policyReceiptMessage>;
export type EventsMessage = z.infer<typeof eventsMessage>;
export type AckMessage = z.infer<typeof ackMessage>;
export type HeartbeatMessage = z.infer<typeof heartbeatMessage>;
export type ErrorMessage = z.infer<typeof errorMessage>;
export type ExceptionMessage = z.infer<typeof exceptionMessage>;
export type ExceptionRevokeMessage = z.infer<typeof exceptionRevokeMessage>;
export type ExceptionReceiptMessage = z.infer<typeof exceptionReceiptMessage>;
