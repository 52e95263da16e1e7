import { z } from 'zod';

/**
 * The JSON lines dlp-exec-guard writes on stdout. The helper is our own binary, but its output is
 * still a process boundary: every line is validated before the agent acts on it.
 */
const count = z.number().int().min(0);

/** Why the helper's BPF LSM refused a file (see lsm-guard.c and docs/API.md). */
export const LSM_REFUSAL_REASONS = ['anonymous-exec', 'unmarked-user-namespace-filesystem', 'unmarked-fuse', 'known-blocked'] as const;
export type LsmRefusalReason = (typeof LSM_REFUSAL_REASONS)[number];

/** Once at start: whether the BPF LSM half is in force, and why not. */
export const helperLsmMessage = z.object({
  type: z.literal('lsm'),
  state: z.enum(['active', 'off', 'unavailable', 'failed']),
  message: z.string().max(400).optional(),
});
export type HelperLsmMessage = z.infer<typeof helperLsmMessage>;

/**
 * One decision worth reporting: a block, a would-block (monitor mode), a timeout, or an exec an
 * exception rule (`exception:<id>`) let through.
 */
export const helperDecisionMessage = z.object({
  type: z.literal('decision'),
  verdict: z.enum(['allow', 'deny']),
  report: z.enum(['blocked', 'would-block', 'timeout', 'allowed']),
  pid: count,
  ppid: count.optional(),
  uid: count.optional(),
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  ruleId: z.string().max(64).nullable(),
  /** Identical decisions folded into this report by the helper's rate limiter. */
  suppressed: count,
  generation: count,
  /**
   * How the file was reached: absent or `exec` for an exec; `loader`/`script` when the dynamic loader
   * or an interpreter opened it; `mapped` when a process mapped it as code (BPF LSM only).
   */
  via: z.enum(['exec', 'loader', 'script', 'mapped']).optional(),
  /** The loader or interpreter that opened it, or the program that tried to map it as code. */
  interpreter: z.string().max(4096).optional(),
  /** Present when the BPF LSM refused it (native/bpf/dlp-lsm.bpf.c), with its reason. */
  method: z.literal('bpf-lsm').optional(),
  lsmReason: z.enum(LSM_REFUSAL_REASONS).optional(),
});
export type HelperDecisionMessage = z.infer<typeof helperDecisionMessage>;

export const helperStatsMessage = z.object({
  type: z.literal('stats'),
  decisions: count,
  cacheHits: count,
  cacheMisses: count,
  timeouts: count,
  hashes: count,
  hashErrors: count,
  exempt: count,
  allowed: count,
  denied: count,
  /** Files the helper let the kernel allow without asking again (fanotify ignore marks). */
  kernelCached: count.optional(),
  pending: count,
  reportsDropped: count,
  generation: count,
  /** FAN_OPEN_PERM events allowed at once (the opener is no loader or interpreter) / judged like an exec. */
  opensFast: count.optional(),
  opensJudged: count.optional(),
  /** Bytes read by the hash workers since start; hashes running or queued; hashes of a file that changed meanwhile. */
  bytesHashed: count.optional(),
  hashesInFlight: count.optional(),
  changedWhileHashed: count.optional(),
  /** Cache hits not trusted because the file changed within a timestamp step of its hash (native/decision-cache.h). */
  unsettledRehashes: count.optional(),
  /** The decision thread runs real-time now (1: it was starved of CPU), and how often it went so (native/decision-priority.c). */
  realtime: count.optional(),
  realtimeSwitches: count.optional(),
  /** The longest any exec waited for its decision (answered or still waiting), ms. */
  longestWaitMs: count.optional(),
  /** File systems (superblocks) marked, refused by the kernel (pseudo file systems), mount namespaces followed. */
  superblocks: count.optional(),
  superblocksRefused: count.optional(),
  mountNamespaces: count.optional(),
  mountScans: count.optional(),
  /** BPF LSM: refusals reported, files refused before and now refused as code too, reports lost (ring buffer full). */
  lsmRefusals: count.optional(),
  lsmKnownBlocked: count.optional(),
  lsmDropped: count.optional(),
});
export type HelperStatsMessage = z.infer<typeof helperStatsMessage>;

/** Answer to MARKS: one line per superblock tried (then a `marks` line). */
export const superblockMessage = z.object({
  type: z.literal('superblock'),
  /** major:minor of the file system. */
  dev: z.string().max(32),
  fstype: z.string().max(64),
  /** Where it was first seen, in the mount namespace of `pid` (0: the helper's own). */
  mountPoint: z.string(),
  pid: count,
  /** 0 when the kernel refused the mark (pseudo file systems: nothing executes from them). */
  marked: z.union([z.literal(0), z.literal(1)]),
  error: z.string().optional(),
});
export type SuperblockMark = z.infer<typeof superblockMessage>;

export const helperMessage = z.discriminatedUnion('type', [
  helperDecisionMessage,
  helperStatsMessage,
  helperLsmMessage,
  z.object({ type: z.literal('ready'), generation: count, rules: count }),
  z.object({ type: z.literal('pong'), n: z.string() }),
  z.object({ type: z.literal('marked'), path: z.string(), mounts: count.optional(), failed: count.optional() }),
  z.object({ type: z.literal('unmarked'), path: z.string() }),
  superblockMessage,
  z.object({ type: z.literal('opens'), interpreters: count }),
  z.object({ type: z.literal('marks'), superblocks: count, refused: count, mountNamespaces: count }),
  z.object({ type: z.literal('error'), message: z.string(), generation: count.optional(), path: z.string().optional() }),
]);
export type HelperMessage = z.infer<typeof helperMessage>;

/** Parses one stdout line; anything that is not a valid message comes back as a problem to report. */
export function parseHelperLine(line: string): { message: HelperMessage } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { problem: `helper wrote a line that is not JSON: ${line.slice(0, 200)}` };
  }
  const parsed = helperMessage.safeParse(json);
  if (!parsed.success) return { problem: `helper wrote an unknown message: ${line.slice(0, 200)}` };
  return { message: parsed.data };
}

/** What `dlp-exec-guard --probe` prints. */
export const helperProbeResult = z.object({
  type: z.literal('probe'),
  ok: z.boolean(),
  message: z.string().optional(),
  /** Which SHA-256 code the helper uses: the CPU's SHA extensions or portable C. */
  sha256: z.enum(['sha-ni', 'portable']).optional(),
});

/** Parses the probe's output; anything unexpected counts as "not available", with the reason. */
export function parseProbeOutput(stdout: string): { ok: true } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(stdout.trim());
  } catch {
    return { ok: false, reason: `unexpected probe output: ${stdout.slice(0, 200)}` };
  }
  const parsed = helperProbeResult.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `unexpected probe output: ${stdout.slice(0, 200)}` };
  return parsed.data.ok ? { ok: true } : { ok: false, reason: parsed.data.message ?? 'probe failed' };
}
