/**
 * Where a scan starts, resolved inside the worker with the asking user's rights: the path itself may
 * be a symbolic link (a home folder's `Documents` pointing elsewhere), resolved as that user; what
 * it leads to must be a file they may read or a folder they may list, outside the excluded folders.
 */
import { constants, type Stats } from 'node:fs';
import { open, opendir, realpath, stat } from 'node:fs/promises';
import type { ScanRefusal } from '@dlp/shared';
import { isExcluded } from './tree-walk';

export type ScanRoot = { kind: 'file'; path: string; size: number } | { kind: 'folder'; path: string } | { kind: 'refused'; refusal: ScanRefusal; message: string };

const code = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? '';
const DENIED = new Set(['EACCES', 'EPERM']);

function refusedBy(err: unknown, p: string): ScanRoot {
  if (DENIED.has(code(err))) return { kind: 'refused', refusal: 'not-permitted', message: `you may not read ${p}` };
  return { kind: 'refused', refusal: 'not-found', message: `${p} does not exist` };
}

export async function resolveScanRoot(requested: string, excluded: readonly string[]): Promise<ScanRoot> {
  let real: string;
  try {
    real = await realpath(requested);
  } catch (err) {
    return refusedBy(err, requested);
  }
  if (isExcluded(real, excluded)) return { kind: 'refused', refusal: 'excluded', message: `${real} is not scanned (the agent's own data, or a kernel filesystem)` };
  let stats: Stats;
  try {
    stats = await stat(real);
  } catch (err) {
    return refusedBy(err, requested);
  }
  try {
    if (stats.isFile()) {
      // Opened once here so that a file the user may not read is refused up front, clearly.
      await (await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)).close();
      return { kind: 'file', path: real, size: stats.size };
    }
    if (stats.isDirectory()) {
      await (await opendir(real)).close();
      return { kind: 'folder', path: real };
    }
  } catch (err) {
    return refusedBy(err, requested);
  }
  return { kind: 'refused', refusal: 'not-a-file-or-folder', message: `${requested} is neither a file nor a folder` };
}
