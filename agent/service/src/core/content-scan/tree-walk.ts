/**
 * The walk of an on-demand scan, run inside the worker with the asking user's rights: every folder
 * is listed and every entry looked at with lstat, so a symbolic link is never followed (whether it
 * leads inside the tree or out of it); FIFOs, sockets and devices are skipped; excluded folders are
 * not entered. It stops counting at the file limit.
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ScanSkipped } from '@dlp/shared';
import { isWithin } from '../../enforce/content/watched-paths';

export interface WalkedFile {
  path: string;
  size: number;
}

export interface WalkResult {
  files: WalkedFile[];
  bytes: number;
  skipped: ScanSkipped;
  fileLimitReached: boolean;
}

export interface WalkOptions {
  maxFiles: number;
  excluded: readonly string[];
  /** Called after each folder, with what was found so far. */
  onFolder?: (found: { files: number; bytes: number; skipped: ScanSkipped }) => void;
}

const DENIED = new Set(['EACCES', 'EPERM']);

export function noneSkipped(): ScanSkipped {
  return { symlinks: 0, denied: 0, special: 0, excluded: 0 };
}

export function isExcluded(p: string, excluded: readonly string[]): boolean {
  return excluded.some((dir) => isWithin(p, dir));
}

/** Lists `root` (a real folder path) depth first, in name order. */
export async function walkTree(root: string, options: WalkOptions): Promise<WalkResult> {
  const result: WalkResult = { files: [], bytes: 0, skipped: noneSkipped(), fileLimitReached: false };
  const folders = [root];
  while (folders.length > 0 && !result.fileLimitReached) {
    const folder = folders.pop();
    if (folder === undefined) break;
    let names: string[];
    try {
      names = (await readdir(folder)).sort();
    } catch (err) {
      // A folder the user may not list (or one removed meanwhile): counted, the walk goes on.
      if (DENIED.has((err as NodeJS.ErrnoException).code ?? '')) result.skipped.denied++;
      continue;
    }
    const below: string[] = [];
    for (const name of names) {
      const full = path.join(folder, name);
      if (isExcluded(full, options.excluded)) {
        result.skipped.excluded++;
        continue;
      }
      const stats = await lstat(full).catch((err: NodeJS.ErrnoException) => (DENIED.has(err.code ?? '') ? 'denied' : null));
      if (stats === 'denied') result.skipped.denied++;
      if (stats === null || stats === 'denied') continue;
      if (stats.isSymbolicLink()) result.skipped.symlinks++;
      else if (stats.isDirectory()) below.push(full);
      else if (!stats.isFile()) result.skipped.special++;
      else if (result.files.length >= options.maxFiles) {
        result.fileLimitReached = true;
        break;
      } else {
        result.files.push({ path: full, size: stats.size });
        result.bytes += stats.size;
      }
    }
    // Reversed onto the stack, so the first name is walked first.
    folders.push(...below.reverse());
    options.onFolder?.({ files: result.files.length, bytes: result.bytes, skipped: result.skipped });
  }
  return result;
}
