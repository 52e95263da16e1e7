import { z } from 'zod';
import { piiDetector } from './policy';
import { absolutePath, nonNegativeInt, positiveInt, sha256Hex } from './primitives';

/**
 * On-demand scans of data at rest (issue 16 item 3): `dlp-agent scan PATH` over the local socket,
 * and scans a console asks an agent for. These shapes are what both channels carry: progress
 * counts, one line per file worth showing, and the criteria the agent judged by. Counts and
 * redacted samples only: a matched value never appears in any of them (docs/CONTENT.md).
 */

export const CONTENT_SCAN_LIMITS = {
  /** Most files one scan reads; the walk stops counting there and says so (`fileLimitReached`). */
  maxFiles: 100_000,
  /**
   * Longest path a console may ask an agent to scan: the request is relayed between console nodes
   * (PostgreSQL NOTIFY, 8000 bytes at most), and 1024 characters stay below that in any script.
   */
  maxConsolePathChars: 1024,
} as const;

/** Entries the walk did not read, by why. */
export const scanSkipped = z.strictObject({
  /** Symbolic links: never followed, whether they lead inside the tree or out of it. */
  symlinks: nonNegativeInt,
  /** Files and folders the asking user may not read (the kernel said EACCES/EPERM). */
  denied: nonNegativeInt,
  /** FIFOs, sockets, devices. */
  special: nonNegativeInt,
  /** The agent's own data folder, /proc, /sys and /dev. */
  excluded: nonNegativeInt,
});
export type ScanSkipped = z.infer<typeof scanSkipped>;

/** Where a scan is: counting the files, reading them, or finished. */
export const scanProgress = z.strictObject({
  phase: z.enum(['counting', 'scanning', 'finished']),
  /** Regular files the walk found (while counting, so far; then the total, at most the file limit). */
  filesFound: nonNegativeInt,
  filesDone: nonNegativeInt,
  /** Sizes of the files found, and of the files done. */
  bytesFound: nonNegativeInt,
  bytesDone: nonNegativeInt,
  /** Files over the policy's threshold: bulk customer data. */
  filesFlagged: nonNegativeInt,
  /** Files with personal data below the threshold. */
  filesBelowThreshold: nonNegativeInt,
  /** Files that could not be read in full (encrypted, damaged, over a limit). */
  filesUnreadable: nonNegativeInt,
  skipped: scanSkipped,
  /** The tree holds more files than the limit: those past it were not read. */
  fileLimitReached: z.boolean(),
});
export type ScanProgress = z.infer<typeof scanProgress>;

/**
 * One file worth showing: over the threshold (`bulk`), with some personal data below it
 * (`below-threshold`), or not readable in full (`unreadable`, with `unreadable` saying why; a bulk
 * file that was only partly read carries it too).
 */
export const scannedFile = z.strictObject({
  path: absolutePath,
  size: nonNegativeInt,
  verdict: z.enum(['bulk', 'below-threshold', 'unreadable']),
  /** Detector → distinct values found (a lower bound when the scan of the file stopped at a limit). */
  matches: z.record(z.string().max(64), nonNegativeInt),
  /** Redacted samples only (`110105********1234`), those of the detectors over the threshold first. */
  samples: z.array(z.string().max(64)).max(5),
  /** `encrypted`, `unparseable` or `limit-exceeded:<limit>`. */
  unreadable: z.string().max(64).optional(),
  /** Of bulk files up to 1 GiB: what the event carries. */
  sha256: sha256Hex.optional(),
  /** Of bulk files: the highest confidence (0–1) among the detectors over the threshold (context words raise it). */
  confidence: z.number().min(0).max(1).optional(),
});
export type ScannedFile = z.infer<typeof scannedFile>;

/** What the agent judged by: the policy's content detectors and threshold (all detectors and 10 without one). */
export const scanCriteria = z.strictObject({
  detectors: z.array(piiDetector).max(16),
  minDistinct: positiveInt,
  /** The policy in force when the scan began (null: none yet). */
  policySerial: positiveInt.nullable(),
});
export type ScanCriteria = z.infer<typeof scanCriteria>;

/** Why a scan did not start. */
export const scanRefusal = z.enum([
  'not-found',
  /** The asking user may not read the path (for a folder: list it). */
  'not-permitted',
  'not-a-file-or-folder',
  /** The agent's own data folder, /proc, /sys or /dev. */
  'excluded',
]);
export type ScanRefusal = z.infer<typeof scanRefusal>;

/** A path a console may ask to scan: absolute, no control characters, short enough to relay between console nodes. */
export const consoleScanPath = absolutePath
  .max(CONTENT_SCAN_LIMITS.maxConsolePathChars)
  .refine((p) => ![...p].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f), 'must not contain control characters');
