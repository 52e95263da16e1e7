import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { errorFields, type Logger } from '../logging/logger';

/** Modes the data dir and its content get: only the console's own user may read them. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** A folder tree deeper than this inside the data dir is not ours; stop descending rather than recurse without end. */
const MAX_DEPTH = 16;

/** One path whose mode was tightened: what it was and what it is now (octal text, for the log). */
export interface ModeFix {
  path: string;
  from: string;
  to: string;
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

/**
 * Tightens the data dir and everything in it to 0700 (folders) and 0600 (files) where group or
 * others had any access. The data dir holds agent tokens' hashes, unlock keys, password hashes,
 * the signing key and the TLS key: a 0755 dir from an earlier install must not leave them readable.
 * Symlinks are neither followed nor changed. Returns what it changed; paths it may not change are logged.
 */
export function tightenDataDirModes(dataDir: string, logger: Logger): ModeFix[] {
  const fixes: ModeFix[] = [];
  const visit = (target: string, depth: number): void => {
    let stat;
    try {
      stat = lstatSync(target);
    } catch (err) {
      // Removed between readdir and lstat (e.g. SQLite's -shm): nothing to protect.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn('could not check the mode of a data file', { path: target, ...errorFields(err) });
      return;
    }
    if (stat.isSymbolicLink()) return;
    const wanted = stat.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
    if ((stat.mode & 0o077) !== 0) {
      try {
        chmodSync(target, wanted);
        fixes.push({ path: target, from: octal(stat.mode), to: octal(wanted) });
      } catch (err) {
        logger.warn('could not make a data file private', { path: target, mode: octal(stat.mode), ...errorFields(err) });
      }
    }
    if (!stat.isDirectory() || depth >= MAX_DEPTH) return;
    let names: string[];
    try {
      names = readdirSync(target);
    } catch (err) {
      logger.warn('could not list a data folder', { path: target, ...errorFields(err) });
      return;
    }
    for (const name of names) visit(path.join(target, name), depth + 1);
  };
  visit(dataDir, 0);
  return fixes;
}

/**
 * Creates the data dir (0700) if missing and makes whatever already existed private, with one
 * warning naming every path it had to fix (a sign of an older install or a hand-made folder).
 * Group bits inside a data dir that was itself private exposed nothing (nobody else could enter
 * it; report folders are written 0750/0640): those are tightened with a debug line only, so a
 * restart after a report delivery does not warn.
 */
export function preparePrivateDataDir(dataDir: string, logger: Logger): void {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const fixes = tightenDataDirModes(dataDir, logger);
  const rootWasOpen = fixes.some((fix) => fix.path === dataDir);
  const exposed = rootWasOpen ? fixes : fixes.filter((fix) => (Number.parseInt(fix.from, 8) & 0o007) !== 0);
  if (exposed.length > 0) {
    logger.warn('data dir was readable by other users; made it private', { dataDir, fixed: fixes.slice(0, 100), count: fixes.length });
  } else if (fixes.length > 0) {
    logger.debug('tightened group access inside the private data dir', { dataDir, fixed: fixes.slice(0, 100), count: fixes.length });
  }
}
