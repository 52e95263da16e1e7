/**
 * One file of an on-demand scan, inside the worker: opened without following a symbolic link and
 * without blocking on a FIFO swapped in since the walk, checked to be a regular file, scanned within
 * the per-file limits, judged against the criteria, and hashed when it holds bulk customer data.
 * Only counts and redacted samples come out.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { BuiltInDetectorId, ScannedFile } from '@dlp/shared';
import { scanOpenFile, type ExtractionLimits } from '@dlp/shared/node';
import { belowThreshold, judgeScan } from '../../enforce/content/content-verdict';

export interface FileCriteria {
  detectors: readonly BuiltInDetectorId[];
  minDistinct: number;
  limits: Partial<ExtractionLimits>;
  maxHashBytes: number;
}

export type FileScanOutcome =
  | { kind: 'clean'; size: number }
  | { kind: 'finding'; file: ScannedFile; ownerUid: number }
  | { kind: 'skipped'; why: 'denied' | 'symlink' | 'special' | 'gone' };

const DENIED = new Set(['EACCES', 'EPERM']);

async function sha256Of(handle: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of handle.createReadStream({ start: 0, autoClose: false, highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function scanOneFile(file: string, criteria: FileCriteria): Promise<FileScanOutcome> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    return { kind: 'skipped', why: DENIED.has(code) ? 'denied' : code === 'ELOOP' ? 'symlink' : 'gone' };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { kind: 'skipped', why: 'special' };
    const result = await scanOpenFile(handle, file, { detectors: [...criteria.detectors], limits: criteria.limits });
    const verdict = judgeScan(result, criteria);
    if (verdict.kind === 'clean') {
      const some = belowThreshold(result, criteria);
      if (!some) return { kind: 'clean', size: stats.size };
      return { kind: 'finding', ownerUid: stats.uid, file: { path: file, size: stats.size, verdict: 'below-threshold', ...some } };
    }
    const sha256 = verdict.kind === 'bulk' && stats.size <= criteria.maxHashBytes ? await sha256Of(handle) : undefined;
    return {
      kind: 'finding',
      ownerUid: stats.uid,
      file: {
        path: file,
        size: stats.size,
        verdict: verdict.kind,
        matches: verdict.matches,
        samples: verdict.samples,
        ...(verdict.unreadable ? { unreadable: verdict.unreadable } : {}),
        ...(sha256 ? { sha256 } : {}),
        ...(verdict.kind === 'bulk' && verdict.confidence !== undefined ? { confidence: verdict.confidence } : {}),
      },
    };
  } finally {
    await handle.close();
  }
}
