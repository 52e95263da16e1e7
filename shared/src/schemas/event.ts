import { z } from 'zod';
import { LIMITS } from '../limits';
import { redactedSampleOf } from '../content/sample-guard';
import { absolutePath, nonNegativeInt, positiveInt, ruleId, sha256Hex, shortString, text, timestamp, usbId } from './primitives';

/**
 * `bypass`: blocked content found running although pre-exec blocking is in force (the /proc second
 * line caught what got past it); always high severity.
 */
export const eventType = z.enum(['app', 'usb', 'screen-capture', 'content', 'policy', 'agent', 'gap', 'bypass']);
export type EventType = z.infer<typeof eventType>;

/**
 * blocked: the control stopped it. would-block: monitor mode, it would have been stopped.
 * allowed: worth reporting although allowed (e.g. by exception). info: state changes (gap, start).
 */
export const eventAction = z.enum(['blocked', 'would-block', 'allowed', 'info']);
export type EventAction = z.infer<typeof eventAction>;

export const severity = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof severity>;

const processSubject = z.strictObject({
  kind: z.literal('process'),
  pid: z.number().int().min(0),
  ppid: z.number().int().min(0).optional(),
  uid: z.number().int().min(0).optional(),
  exePath: absolutePath,
  name: shortString,
  sha256: sha256Hex.optional(),
  /**
   * How the decision was made: pre-exec in the kernel (fanotify: the helper judged the content;
   * bpf-lsm: the helper's BPF LSM programs refused it, e.g. an exec from memfd), or after start by
   * the /proc scanner.
   */
  method: z.enum(['fanotify', 'bpf-lsm', 'proc-scan']),
  /** Identical decisions folded into this one by rate limiting. */
  suppressed: nonNegativeInt.optional(),
  /** With action `allowed`: the signed exception that let a program the policy blocks run. */
  exceptionId: z.string().max(64).optional(),
  /**
   * Reached without an exec of the file: `loader` (the dynamic loader run on it), `script` (an
   * interpreter opened it as its script) or `mapped` (a process mapped it as code itself). Absent for an exec.
   */
  via: z.enum(['loader', 'script', 'mapped']).optional(),
  /** With `via`: the real path of the loader, interpreter or mapping program. */
  interpreter: absolutePath.optional(),
});

/** What a USB event did to the device (see deviceSubject.outcome). */
export const usbOutcome = z.enum([
  'inserted',
  'device-blocked',
  'interface-blocked',
  'unmounted',
  'read-only',
  'allowed-by-exception',
  'allowed-by-unlock-code',
  'exception-expired',
  /** The policy says read-only or block, but no way of stopping writes to the mounted device worked. */
  'enforcement-failed',
]);
export type UsbOutcome = z.infer<typeof usbOutcome>;

/**
 * How a mount was made unwritable: `remount` (read-only remount), `writers-stopped` (processes
 * holding files open for writing were killed, then the remount worked), `filesystem-shutdown`
 * (FS_IOC_SHUTDOWN: every write through any open file fails), `device-cut` (the USB device or its
 * storage interface was de-authorized: the disk is gone).
 */
export const usbWriteProtection = z.enum(['remount', 'writers-stopped', 'filesystem-shutdown', 'device-cut']);
export type UsbWriteProtection = z.infer<typeof usbWriteProtection>;

/** A process the agent killed because it held a file on a read-only or blocked mount open for writing. */
export const stoppedWriter = z.strictObject({
  pid: z.number().int().min(1),
  uid: z.number().int().min(0),
  /** The process name (comm), never a path or file contents. */
  name: shortString,
});
export type StoppedWriter = z.infer<typeof stoppedWriter>;

const deviceSubject = z.strictObject({
  kind: z.literal('device'),
  vendorId: usbId,
  productId: usbId,
  serial: z.string().max(LIMITS.maxShortString).optional(),
  vendorName: z.string().max(LIMITS.maxShortString).optional(),
  productName: z.string().max(LIMITS.maxShortString).optional(),
  port: z.string().max(64).optional(),
  interfaces: z.array(z.number().int().min(0).max(255)).max(32).default([]),
  mountPoint: absolutePath.optional(),
  /**
   * What happened to the device, beyond the event's action: `device-blocked` (whole device
   * deauthorized), `interface-blocked` (only its storage interfaces; a composite keyboard keeps
   * typing), `unmounted`, `read-only`, `allowed-by-exception`, `allowed-by-unlock-code`,
   * `exception-expired`, `inserted`. With action `would-block` it says what enforce mode
   * would have done.
   */
  outcome: usbOutcome.optional(),
  /** The exception or unlock grant the outcome is about. */
  exceptionId: z.string().max(64).optional(),
  /** With outcome `read-only` or `unmounted`: what made the mount unwritable. */
  writeProtection: usbWriteProtection.optional(),
  /** Writers killed on the way (at most 16 listed; `stoppedWriterCount` says how many in all). */
  stoppedWriters: z.array(stoppedWriter).max(16).optional(),
  stoppedWriterCount: nonNegativeInt.optional(),
});

const policySubject = z.strictObject({
  kind: z.literal('policy'),
  serial: positiveInt.optional(),
  reason: text,
});

const gapSubject = z.strictObject({
  kind: z.literal('gap'),
  /** How many events the outbox had to drop, and their sequence range. */
  dropped: positiveInt,
  fromSeq: positiveInt,
  toSeq: positiveInt,
});

const fileSubject = z.strictObject({
  kind: z.literal('file'),
  path: absolutePath,
  sha256: sha256Hex.optional(),
  /** The file's size in bytes when it was scanned (absent from older agents). */
  size: nonNegativeInt.optional(),
  /** Detector name → match count. Matched values themselves are never sent. */
  matches: z.record(z.string().max(64), nonNegativeInt),
  /**
   * Redacted samples only (e.g. `110101********1234`): a sample that does not look redacted is
   * masked on parse (content/sample-guard.ts), so no raw value is stored, shown or sent on.
   */
  samples: z.array(z.string().max(64).transform(redactedSampleOf)).max(5).default([]),
  /** The threshold that made the file bulk customer data: at least this many distinct values of one detector. */
  minDistinct: positiveInt.optional(),
  /** The highest confidence (0–1) among the detectors over the threshold. */
  confidence: z.number().min(0).max(1).optional(),
  /**
   * How the content agent came to the file: a watched folder, a copy onto removable media, or an
   * on-demand scan of data at rest (`dlp-agent scan`, or a scan the console asked for). Absent
   * from older agents (watched folders).
   */
  channel: z.enum(['watched-folder', 'removable-media', 'scan']).optional(),
});

const agentSubject = z.strictObject({
  kind: z.literal('agent'),
  message: text,
  details: z.record(z.string().max(64), z.union([z.string().max(LIMITS.maxText), z.number(), z.boolean()])).optional(),
});

export const eventSubject = z.discriminatedUnion('kind', [
  processSubject,
  deviceSubject,
  policySubject,
  gapSubject,
  fileSubject,
  agentSubject,
]);
export type EventSubject = z.infer<typeof eventSubject>;

/** One event as the agent records it in its outbox and sends it. */
export const agentEvent = z.strictObject({
  id: z.uuidv7(),
  /** Per-agent sequence number, strictly increasing; ingest is idempotent on (agent id, seq). */
  seq: positiveInt,
  occurredAt: timestamp,
  type: eventType,
  action: eventAction,
  severity,
  user: z.string().max(LIMITS.maxShortString).nullable(),
  host: shortString,
  ruleId: ruleId.nullable(),
  policySerial: positiveInt.nullable(),
  subject: eventSubject,
});
export type AgentEvent = z.infer<typeof agentEvent>;

/** An event as the console stores and serves it. */
export const storedEvent = agentEvent.extend({
  agentId: z.uuidv7(),
  /** The console's clock when the batch arrived. */
  receivedAt: timestamp,
  /**
   * Where the console places the event in time: `occurredAt` (the agent's clock) corrected by the
   * agent's measured clock offset, or `receivedAt` when that is implausible (in the future, or
   * over a year back). Search ranges, newest-first order and reports use it. Present only when it
   * differs from `occurredAt`: an event without it is placed at its own time.
   */
  placedAt: timestamp.optional(),
});
export type StoredEvent = z.infer<typeof storedEvent>;
