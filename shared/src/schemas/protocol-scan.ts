import { z } from 'zod';
import { PROTOCOL_VERSION } from '../limits';
import { consoleScanPath, scanProgress } from './content-scan';
import { shortString, text, timestamp } from './primitives';

/**
 * The console asks an agent to scan a folder for data at rest (issue 16 item 3), and the agent
 * reports how the scan goes. Files over the threshold arrive as ordinary `content` events (channel
 * `scan`) through the outbox; these messages carry only the scan's state and counts.
 */
const v = z.literal(PROTOCOL_VERSION);

/**
 * console → agent: scan `path` as root, within the agent's limits. Not signed, like
 * `exception-revoke`: a scan only reads and reports counts and redacted samples to the console,
 * and it runs over the authenticated, pinned connection; it cannot relax anything.
 */
export const scanRequestMessage = z.strictObject({
  v,
  type: z.literal('scan-request'),
  scanId: z.uuidv7(),
  path: consoleScanPath,
  /** Who asked at the console (user name), for the agent's log. */
  requestedBy: shortString,
});
export type ScanRequestMessage = z.infer<typeof scanRequestMessage>;

/** What became of a console-requested scan; `refused`: it did not start (`error` says why). */
export const consoleScanState = z.enum(['running', 'done', 'failed', 'refused']);
export type ConsoleScanState = z.infer<typeof consoleScanState>;

/**
 * agent → console: a scan's state, sent when it starts, every few seconds while it runs, and when
 * it ends (the last one again after a reconnect, if the console may not have heard it).
 */
export const scanStatusMessage = z.strictObject({
  v,
  type: z.literal('scan-status'),
  scanId: z.uuidv7(),
  path: consoleScanPath,
  state: consoleScanState,
  progress: scanProgress,
  /** With `failed` or `refused`: why, in English. */
  error: text.optional(),
  /** The agent's clock when it sent this. */
  at: timestamp,
});
export type ScanStatusMessage = z.infer<typeof scanStatusMessage>;
