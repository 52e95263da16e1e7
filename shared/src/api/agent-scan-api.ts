import { z } from 'zod';
import { consoleScanPath, scanProgress } from '../schemas/content-scan';
import { shortString, text, timestamp } from '../schemas/primitives';

/**
 * A scan of data at rest the console asked an agent for (POST /api/v1/agents/:id/scans, issue 16
 * item 3). Files over the threshold arrive as `content` events (channel `scan`); this is the
 * scan's own state, as the agent last reported it.
 */

/** The body of POST /api/v1/agents/:id/scans: the folder (or file) to scan, on the agent's host. */
export const agentScanRequest = z.strictObject({ path: consoleScanPath });
export type AgentScanRequest = z.infer<typeof agentScanRequest>;

/**
 * `requested`: sent, the agent has not answered yet (it answers at once when connected);
 * `refused`: the agent did not start it (path missing, excluded, another console scan running).
 */
export const agentScanState = z.enum(['requested', 'running', 'done', 'failed', 'refused']);
export type AgentScanState = z.infer<typeof agentScanState>;

export const agentScan = z.strictObject({
  id: z.uuidv7(),
  agentId: z.uuidv7(),
  path: consoleScanPath,
  /** The console user who asked (unknown when the console heard of the scan only from the agent). */
  requestedBy: shortString.nullable(),
  requestedAt: timestamp.nullable(),
  state: agentScanState,
  /** Counts as the agent last reported them (null until it does). */
  progress: scanProgress.nullable(),
  error: text.optional(),
  /** When the console last heard of the scan. */
  updatedAt: timestamp,
});
export type AgentScan = z.infer<typeof agentScan>;

/** How many scans the console keeps per agent (newest first); older ones are forgotten. */
export const AGENT_SCANS_KEPT = 20;

export const agentScanResponse = z.strictObject({ scan: agentScan });
export const agentScanList = z.strictObject({ items: z.array(agentScan).max(AGENT_SCANS_KEPT) });
export type AgentScanList = z.infer<typeof agentScanList>;
