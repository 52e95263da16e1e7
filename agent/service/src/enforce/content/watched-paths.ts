/**
 * The folders a policy's `content.watchedPaths` name, as the watcher uses them. An entry is a folder
 * or a folder pattern whose `*` and `?` match within one path segment: `/home/*\/Sync` is every
 * user's Sync folder, including users added later. `**` is refused (it would mean watching a whole
 * tree for a name anywhere below), and so are `/` and the kernel's pseudo filesystems.
 */
import path from 'node:path';
import { compileGlob, isGlob, type GlobMatcher } from '@dlp/shared';

export interface WatchedFolder {
  /** As the policy wrote it. */
  pattern: string;
  /** The deepest folder without a wildcard: what the watcher is given. */
  base: string;
  /** One matcher per segment below `base`, down to the watched folder (none: `base` is the folder). */
  segments: GlobMatcher[];
}

export interface RefusedWatchedPath {
  pattern: string;
  reason: string;
}

export interface WatchedFolders {
  folders: WatchedFolder[];
  refused: RefusedWatchedPath[];
}

/** Where a path is: inside a watched folder (scan it), on the way to one (descend), or neither. */
export type WatchedPlace = 'inside' | 'on-the-way' | 'outside';

const PSEUDO_FILESYSTEMS = ['/proc', '/sys', '/dev'];

function parseOne(pattern: string): WatchedFolder | RefusedWatchedPath {
  const normal = path.posix.normalize(pattern).replace(/(?<=.)\/+$/, '');
  if (normal.includes('**')) return { pattern, reason: '`**` is not supported in watched folders; use `*` per folder level' };
  const parts = normal.split('/').slice(1);
  const firstWild = parts.findIndex((part) => isGlob(part));
  const baseParts = firstWild === -1 ? parts : parts.slice(0, firstWild);
  const base = `/${baseParts.join('/')}`;
  if (base === '/') return { pattern, reason: 'watching from / would watch the whole machine' };
  if (PSEUDO_FILESYSTEMS.some((fs) => base === fs || base.startsWith(`${fs}/`))) return { pattern, reason: `${base} is a kernel filesystem, not a folder of files` };
  const segments = firstWild === -1 ? [] : parts.slice(firstWild).map((part) => compileGlob(part));
  return { pattern, base, segments };
}

/** Parses the policy's list; folders under another entry's base are watched through that one. */
export function parseWatchedPaths(patterns: readonly string[]): WatchedFolders {
  const folders: WatchedFolder[] = [];
  const refused: RefusedWatchedPath[] = [];
  for (const pattern of patterns) {
    const parsed = parseOne(pattern);
    if ('reason' in parsed) refused.push(parsed);
    else folders.push(parsed);
  }
  return { folders, refused };
}

/** The folders to hand the watcher: each base once, none inside another (that one already covers it). */
export function watchBases(folders: readonly WatchedFolder[]): string[] {
  const bases = [...new Set(folders.map((f) => f.base))].sort();
  return bases.filter((base) => !bases.some((other) => other !== base && isWithin(base, other)));
}

/** `p` is `dir` or below it. */
export function isWithin(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

function placeIn(folder: WatchedFolder, p: string): WatchedPlace {
  // Above the base: the watcher looks there while the base does not exist yet.
  if (p !== folder.base && isWithin(folder.base, p)) return 'on-the-way';
  if (!isWithin(p, folder.base)) return 'outside';
  const rel = p === folder.base ? [] : p.slice(folder.base.length + 1).split('/');
  const checked = Math.min(rel.length, folder.segments.length);
  for (let i = 0; i < checked; i++) if (!folder.segments[i]?.test(rel[i] ?? '')) return 'outside';
  return rel.length > folder.segments.length ? 'inside' : 'on-the-way';
}

/** The best place any watched folder gives `p` (an absolute, normalised path). */
export function placeOf(folders: readonly WatchedFolder[], p: string): WatchedPlace {
  let best: WatchedPlace = 'outside';
  for (const folder of folders) {
    const place = placeIn(folder, p);
    if (place === 'inside') return place;
    if (place === 'on-the-way') best = place;
  }
  return best;
}
