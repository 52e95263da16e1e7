/**
 * One file written onto removable media, start to finish: opened without following a symbolic
 * link or blocking on a FIFO, checked to be a regular file on a watched stick's file system, scanned within the extraction limits
 * through that one descriptor, checked not to have changed meanwhile, judged, hashed, and then —
 * only once the scan confirmed the threshold and the path still names that same unchanged file —
 * reported, moved into the agent's quarantine, or deleted from the media.
 */
import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, open, unlink, type FileHandle } from 'node:fs/promises';
import { scanOpenFile, type ExtractionLimits } from '@dlp/shared/node';
import { judgeScan, type UnreadableReason } from '../../enforce/content/content-verdict';
import type { FileQuarantine } from '../../enforce/content/file-quarantine';
import type { RemovablePolicy } from './removable-policy';

/** What an event about the file says: counts per detector and redacted samples, never a value. */
export interface RemovableFinding {
  path: string;
  ownerUid: number;
  size: number;
  sha256?: string;
  verdict: 'bulk' | 'unreadable' | 'changed';
  matches: Record<string, number>;
  samples: string[];
  unreadable?: UnreadableReason;
  /** The threshold it was judged by, and the highest confidence over it (content-verdict.ts). */
  minDistinct?: number;
  confidence?: number;
  policySerial: number;
  /** `reported`: left on the media (report action, monitor mode, unreadable, or still changing). */
  outcome: 'reported' | 'quarantined' | 'deleted' | 'quarantine-failed' | 'delete-failed';
  /** Why the move or the deletion failed (for the agent's log only). */
  error?: string;
  /** The name in the quarantine folder. */
  quarantineName?: string;
}

export interface RemovableScanDeps {
  policy: RemovablePolicy;
  limits: Partial<ExtractionLimits>;
  /** Larger files are reported without a hash (hashing reads the whole file again). */
  maxHashBytes: number;
  quarantine: FileQuarantine;
  /** Whether this version of the file (same versionKeyOf) was judged already: a repeated notification. */
  alreadyJudged: (key: string) => boolean;
  /** False once the channel stops: nothing more is moved or deleted. */
  active: () => boolean;
  /**
   * Whether a file system (st_dev) is a watched stick's. The opened file must be on one: a
   * directory on the stick swapped for a symbolic link after the close would otherwise point the
   * agent (root) at a file elsewhere, to scan, quarantine or delete it.
   */
  onRemovableMedia: (dev: number) => boolean;
}

export type RemovableScanResult =
  | { kind: 'skipped'; reason: 'gone' | 'symlink' | 'not-a-regular-file' | 'not-on-removable-media' | 'denied' | 'already-judged' }
  /** The file changed while it was read (still being written): scan it again later. */
  | { kind: 'changed'; key: string; finding: RemovableFinding }
  | { kind: 'clean'; key: string }
  | { kind: 'finding'; key: string; finding: RemovableFinding };

/** Identity plus what changes when the content does: another key means another version of the file. */
export function versionKeyOf(stats: Pick<Stats, 'dev' | 'ino' | 'size' | 'mtimeMs' | 'ctimeMs'>): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

async function sha256Of(handle: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of handle.createReadStream({ start: 0, autoClose: false, highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function openQuietly(file: string): Promise<FileHandle | RemovableScanResult> {
  try {
    return await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { kind: 'skipped', reason: code === 'ELOOP' ? 'symlink' : code === 'EACCES' || code === 'EPERM' ? 'denied' : 'gone' };
  }
}

export async function scanRemovableFile(file: string, deps: RemovableScanDeps): Promise<RemovableScanResult> {
  const opened = await openQuietly(file);
  if (!('fd' in opened)) return opened;
  const handle = opened;
  try {
    const before = await handle.stat();
    if (!before.isFile()) return { kind: 'skipped', reason: 'not-a-regular-file' };
    if (!deps.onRemovableMedia(before.dev)) return { kind: 'skipped', reason: 'not-on-removable-media' };
    const key = versionKeyOf(before);
    if (deps.alreadyJudged(key)) return { kind: 'skipped', reason: 'already-judged' };
    const { policy } = deps;
    const result = await scanOpenFile(handle, file, { detectors: [...policy.detectors], limits: deps.limits });
    const verdict = judgeScan(result, policy);
    const sha256 = verdict.kind !== 'clean' && before.size <= deps.maxHashBytes ? await sha256Of(handle) : undefined;
    // Written to while it was read: what was judged is not what is there now.
    if (versionKeyOf(await handle.stat()) !== key) {
      const seen = verdict.kind === 'clean' ? { matches: {}, samples: [] } : verdict;
      return { kind: 'changed', key, finding: { ...baseFinding(file, before, seen, policy), verdict: 'changed' } };
    }
    if (verdict.kind === 'clean') return { kind: 'clean', key };
    const finding = { ...baseFinding(file, before, verdict, policy), ...(sha256 ? { sha256 } : {}) };
    if (verdict.kind === 'bulk' && policy.mode === 'enforce' && policy.action !== 'report' && deps.active()) {
      await act(file, before, key, finding, deps);
    }
    return { kind: 'finding', key, finding };
  } finally {
    await handle.close();
  }
}

type Judged = { kind?: 'bulk' | 'unreadable'; matches: Record<string, number>; samples: string[]; unreadable?: UnreadableReason; minDistinct?: number; confidence?: number };

function baseFinding(file: string, stats: Stats, verdict: Judged, policy: RemovablePolicy): RemovableFinding {
  return {
    path: file,
    ownerUid: stats.uid,
    size: stats.size,
    verdict: verdict.kind ?? 'changed',
    matches: verdict.matches,
    samples: verdict.samples,
    ...(verdict.unreadable ? { unreadable: verdict.unreadable } : {}),
    ...(verdict.minDistinct !== undefined ? { minDistinct: verdict.minDistinct } : {}),
    ...(verdict.confidence !== undefined ? { confidence: verdict.confidence } : {}),
    policySerial: policy.serial,
    outcome: 'reported',
  };
}

/** Quarantine or delete, only while the path still names the scanned file, unchanged. */
async function act(file: string, scanned: Stats, key: string, finding: RemovableFinding, deps: RemovableScanDeps): Promise<void> {
  const failed = deps.policy.action === 'delete' ? 'delete-failed' : 'quarantine-failed';
  const now = await lstat(file).catch(() => null);
  if (!now || versionKeyOf(now) !== key) {
    finding.outcome = failed;
    finding.error = 'the file was replaced or changed after it was scanned';
    return;
  }
  if (deps.policy.action === 'delete') {
    try {
      await unlink(file);
      finding.outcome = 'deleted';
    } catch (err) {
      finding.outcome = failed;
      finding.error = err instanceof Error ? err.message : String(err);
    }
    return;
  }
  const identity = { dev: scanned.dev, ino: scanned.ino };
  const moved = await deps.quarantine.move(file, identity, {
    originalPath: file,
    size: scanned.size,
    ...(finding.sha256 ? { sha256: finding.sha256 } : {}),
    ownerUid: scanned.uid,
    matches: finding.matches,
    policySerial: deps.policy.serial,
  });
  if (moved.ok) {
    finding.outcome = 'quarantined';
    finding.quarantineName = moved.name;
  } else {
    finding.outcome = failed;
    finding.error = moved.error;
  }
}
