/**
 * What the agent and its scan worker (a child process, run as the asking user) say to each other:
 * one job on the worker's stdin, JSON lines on its stdout. The agent validates every line: the
 * worker reads files chosen by a user, so what it says is input like any other.
 */
import { z } from 'zod';
import { absolutePath, nonNegativeInt, piiDetector, positiveInt, scannedFile, scanProgress, scanRefusal, shortString, text } from '@dlp/shared';

/** The hidden first argument that makes the agent's bundle run as a scan worker (main.ts). */
export const SCAN_WORKER_COMMAND = '__scan-worker';

/** Longest line either side writes: a file line holds one path (≤ 4096 characters) and five samples. */
export const WORKER_MAX_LINE_BYTES = 256 * 1024;

const limit = positiveInt.optional();

export const scanJob = z.strictObject({
  path: absolutePath,
  /** Whose rights the worker takes before it reads anything; null: it stays root (root asked, or the console). */
  runAs: z.strictObject({ uid: nonNegativeInt, gid: nonNegativeInt, name: shortString.nullable() }).nullable(),
  detectors: z.array(piiDetector).min(1).max(16),
  minDistinct: positiveInt,
  maxFiles: positiveInt,
  /** Per file, as `ExtractionLimits`. */
  limits: z.strictObject({
    maxBytes: limit,
    maxTimeMs: limit,
    maxZipEntries: limit,
    maxEntryInflatedBytes: limit,
    maxTotalInflatedBytes: limit,
    maxNestingDepth: limit,
    maxInMemoryBytes: limit,
  }),
  /** Bulk files larger than this are reported without a hash (hashing reads the whole file again). */
  maxHashBytes: nonNegativeInt,
  /** Folders never read (the agent's data folder, kernel filesystems). */
  excluded: z.array(absolutePath).max(16),
  /** Progress lines at most this often. */
  progressEveryMs: positiveInt,
});
export type ScanJob = z.infer<typeof scanJob>;

export const workerLine = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('progress'), progress: scanProgress }),
  /** A file worth showing; `ownerUid` is whom its event is about. */
  z.strictObject({ kind: z.literal('file'), file: scannedFile, ownerUid: nonNegativeInt }),
  z.strictObject({ kind: z.literal('refused'), refusal: scanRefusal, message: text }),
  z.strictObject({ kind: z.literal('done'), progress: scanProgress }),
  z.strictObject({ kind: z.literal('failed'), message: text }),
]);
export type WorkerLine = z.infer<typeof workerLine>;
