import { z } from 'zod';
import { exceptionRequestTarget } from './exception-request';
import { eventAction, eventType } from './event';
import { nonNegativeInt, positiveInt, ruleId, shortString, text, timestamp } from './primitives';

/**
 * What the local channel tells the person at the workstation (issue 15): the agent's state, their
 * own blocks and their own exception requests. Everything here is safe to show to that person; no
 * secret, no other user's activity, and nothing that changes what the agent enforces.
 */

/** Who the agent believes is asking: the kernel's word (SO_PEERCRED), never the client's. */
export const ipcPeer = z.strictObject({
  uid: nonNegativeInt,
  /** The account name of `uid` (NSS), or null when the system knows no name for it. */
  name: shortString.nullable(),
  /** Root (helpdesk scripts run through sudo) may act for a named user and see every block. */
  privileged: z.boolean(),
});
export type IpcPeer = z.infer<typeof ipcPeer>;

/** The one word the tray's icon shows. */
export const protectionState = z.enum([
  /** An enforce-mode policy is in force. */
  'protected',
  /** A policy is in force but only reports (monitor mode). */
  'monitor-only',
  /** No policy has arrived yet. */
  'no-policy',
]);
export type ProtectionState = z.infer<typeof protectionState>;

export const consoleLinkState = z.enum(['connected', 'unreachable', 'not-enrolled']);
export type ConsoleLinkState = z.infer<typeof consoleLinkState>;

/** One control as the employee sees it: whether it is in force here and in a sentence what it does. */
export const controlInForce = z.strictObject({
  control: z.enum(['apps', 'usb', 'screen', 'content']),
  state: z.enum(['enforced', 'monitored', 'off', 'degraded']),
});
export type ControlInForce = z.infer<typeof controlInForce>;

/** Screen watermark settings the tray draws (policy `screen.watermark`), with the text filled in. */
export const watermarkSettings = z.strictObject({
  enabled: z.boolean(),
  /** The policy's own line (may be empty). User, host and time are added by the tray. */
  text: z.string().max(200),
  /** 0.02 – 0.5: light enough to work through, dark enough to show on a photo. */
  opacity: z.number().min(0.02).max(0.5),
});
export type WatermarkSettings = z.infer<typeof watermarkSettings>;

/** The policy's words for employees: shown with every block notice. */
export const policyNotice = z.strictObject({
  message: z.string().max(1000).optional(),
  /** Only http(s) links: the tray opens it in the browser. */
  helpUrl: z.url({ protocol: /^https?$/ }).max(512).optional(),
});
export type PolicyNotice = z.infer<typeof policyNotice>;

export const agentStatus = z.strictObject({
  protection: protectionState,
  console: consoleLinkState,
  /** When the console was last heard from (absent: never). */
  lastContactAt: timestamp.optional(),
  policy: z.strictObject({ serial: positiveInt, name: shortString, mode: z.enum(['enforce', 'monitor']) }).nullable(),
  controls: z.array(controlInForce).max(8),
  watermark: watermarkSettings,
  /** Whether the policy blocks screen capture (the tray's clipboard guard follows it). */
  blockScreenCapture: z.boolean(),
  notice: policyNotice,
  host: shortString,
  agentVersion: z.string().max(64),
  peer: ipcPeer,
});
export type AgentStatus = z.infer<typeof agentStatus>;

/**
 * A block (or, in monitor mode, a would-block) as the employee sees it. `target` is set when an
 * exception can be asked for it, so the tray can fill the request in.
 */
export const blockNotice = z.strictObject({
  eventId: z.uuidv7(),
  occurredAt: timestamp,
  type: eventType,
  action: eventAction,
  /** What was stopped, in the words people know it by: a program path, a device's name. */
  what: z.string().max(1024),
  ruleId: ruleId.nullable(),
  /** The rule's description (the firm's words) or empty: readers then use `employeeText().defaultBlockReason`. */
  reason: text,
  policySerial: positiveInt.nullable(),
  user: z.string().max(256).nullable(),
  target: exceptionRequestTarget.optional(),
});
export type BlockNotice = z.infer<typeof blockNotice>;

/** An exception request this agent forwarded, as the employee follows it. */
export const exceptionRequestState = z.strictObject({
  requestId: z.uuidv7(),
  requestedAt: timestamp,
  target: exceptionRequestTarget,
  requestedMinutes: positiveInt,
  user: z.string().max(256).nullable(),
  /**
   * `pending`: no exception for it has arrived; `granted`: an exception for the same target is in
   * force until `expiresAt`; `expired`: it was granted and has run out.
   */
  state: z.enum(['pending', 'granted', 'expired']),
  expiresAt: timestamp.optional(),
});
export type ExceptionRequestState = z.infer<typeof exceptionRequestState>;


