/**
 * One file from a watched folder, start to finish: checked to be a regular file really inside the
 * folder (no symlink, FIFO or swapped-in parent followed), scanned within the extraction limits,
 * judged, hashed when there is something to report, and quarantined when the policy says so.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, realpath } from 'node:fs/promises';
import type { PolicyMode } from '@dlp/shared';
import { scanFile, type ExtractionLimits } from '@dlp/shared/node';
import { judgeScan, type ContentSettings, type UnreadableReason } from './content-verdict';
import type { FileIdentity, FileQuarantine } from './file-quarantine';
import { scanVersionOf } from './watched-scan-records';

/** A file worth an event: bulk customer data, or a file that could not be read. Counts and redacted samples only. */
export interface ContentFinding {
  path: string;
  ownerUid: number;
  size: number;
  sha256?: string;
  verdict: 'bulk' | 'unreadable';
  matches: Record<string, number>;
  samples: string[];
  unreadable?: UnreadableReason;
  /** The threshold it was judged by, and the highest confidence over it (content-verdict.ts). */
  minDistinct?: number;
  confidence?: number;
  policySerial: number;
  mode: PolicyMode;
  /** `reported`: left where it is (report action, monitor mode, or unreadable). */
  outcome: 'reported' | 'quarantined' | 'quarantine-failed';
  /** The name in the quarantine folder, or why the move failed. */
  quarantine?: { name: string } | { error: string };
}

export interface WatchedFileScanDeps {
  settings: ContentSettings;
  limits: Partial<ExtractionLimits>;
  /** Files larger than this are reported without a hash (hashing reads the whole file). */
  maxHashBytes: number;
  quarantine: FileQuarantine;
  /** Whether the real path is still one to scan (inside a watched folder, not the data dir). */
  stillWatched: (realPath: string) => boolean;
  /** Whether this path was already scanned as it is now (same scanVersionOf): then it is not scanned again. */
  unchanged: (version: string) => boolean | Promise<boolean>;
  /** False once the channel is stopping: nothing more is moved. */
  active: () => boolean;
}

/** SHA-256 of exactly the scanned file (no symlink followed, no FIFO opened), or undefined. */
async function sha256Of(file: string, scanned: FileIdentity): Promise<string | undefined> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => null);
  if (!handle) return undefined;
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || stats.dev !== scanned.dev || stats.ino !== scanned.ino) return undefined;
    const hash = createHash('sha256');
    for await (const chunk of handle.createReadStream({ autoClose: false, highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

export type WatchedFileResult =
  | { kind: 'skipped'; reason: 'not-a-regular-file' | 'outside-watched-folder' | 'gone' | 'unchanged' }
  | { kind: 'clean'; version: Version }
  | { kind: 'finding'; version: Version; finding: ContentFinding };

/** The file's version when it was scanned, and its ctime (how far it is settled: versionToKeep). */
export interface Version {
  key: string;
  ctimeNs: bigint;
}

export async function scanWatchedFile(file: string, deps: WatchedFileScanDeps): Promise<WatchedFileResult> {
  // BigInt stats: ctime to the ns, so a rewrite within the same ms still gives a new version.
  const big = await lstat(file, { bigint: true }).catch(() => null);
  if (!big) return { kind: 'skipped', reason: 'gone' };
  if (!big.isFile()) return { kind: 'skipped', reason: 'not-a-regular-file' };
  // A parent swapped for a symlink would lead elsewhere: the real path must be the watched one.
  const real = await realpath(file).catch(() => null);
  if (real === null) return { kind: 'skipped', reason: 'gone' };
  if (real !== file || !deps.stillWatched(real)) return { kind: 'skipped', reason: 'outside-watched-folder' };
  const version: Version = { key: scanVersionOf(big), ctimeNs: big.ctimeNs };
  if (await deps.unchanged(version.key)) return { kind: 'skipped', reason: 'unchanged' };
  const { settings } = deps;
  const result = await scanFile(file, { detectors: settings.detectors, limits: deps.limits });
  const verdict = judgeScan(result, settings);
  if (verdict.kind === 'clean') return { kind: 'clean', version };

  // The numbers Node's plain stats give, which the quarantine compares with.
  const stats = { dev: Number(big.dev), ino: Number(big.ino), size: Number(big.size), uid: Number(big.uid) };
  const identity = { dev: stats.dev, ino: stats.ino };
  const sha256 = stats.size <= deps.maxHashBytes ? await sha256Of(file, identity) : undefined;
  const finding: ContentFinding = {
    path: file,
    ownerUid: stats.uid,
    size: stats.size,
    ...(sha256 ? { sha256 } : {}),
    verdict: verdict.kind,
    matches: verdict.matches,
    samples: verdict.samples,
    ...(verdict.unreadable ? { unreadable: verdict.unreadable } : {}),
    minDistinct: verdict.minDistinct,
    ...(verdict.confidence !== undefined ? { confidence: verdict.confidence } : {}),
    policySerial: settings.serial,
    mode: settings.mode,
    outcome: 'reported',
  };
  if (verdict.kind === 'bulk' && settings.action === 'quarantine' && settings.mode === 'enforce' && deps.active()) {
    const moved = await deps.quarantine.move(file, identity, { originalPath: file, size: stats.size, ...(sha256 ? { sha256 } : {}), ownerUid: stats.uid, matches: verdict.matches, policySerial: settings.serial });
    finding.outcome = moved.ok ? 'quarantined' : 'quarantine-failed';
    finding.quarantine = moved.ok ? { name: moved.name } : { error: moved.error };
  }
  return { kind: 'finding', version, finding };
}
