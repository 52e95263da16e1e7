import { chmod, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { SqliteDatabase } from '@dlp/shared/node';
import { writeFileAtomic } from './atomic-file';

/** The file whose lock a running agent holds for its whole life. */
export const LOCK_FILE = 'agent.lock';
/** Who holds it (for the error message and operators); the lock itself is what counts. */
export const PID_FILE = 'agent.pid';

/** Another agent process holds the data dir: this one must not start. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number | null,
  ) {
    super(
      `another agent${holderPid === null ? '' : ` (pid ${holderPid})`} is already running on the data dir ${dataDir}; ` +
        'two agents on one data dir would send each other’s events and displace each other at the console. Stop it first, or give this one its own dataDir.',
    );
    this.name = 'DataDirLockedError';
  }
}

/** A held data dir lock. */
export interface DataDirLock {
  /** Releases the lock (at stop; a crash releases it too, the kernel drops the process's locks). */
  release(): Promise<void>;
}

function isBusy(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && (err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_LOCKED');
}

async function holderPid(dataDir: string): Promise<number | null> {
  const text = await readFile(path.join(dataDir, PID_FILE), 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/**
 * Takes the data dir for this process, or throws DataDirLockedError when another agent holds it.
 * Node has no flock; SQLite's exclusive transaction on `<dataDir>/agent.lock` is a POSIX record
 * lock on an fd kept open for the process's life: the kernel releases it when the process dies
 * (kill -9 included), so there is no stale lock to clean up and no pid-reuse guess. Within one
 * process the same SQLite library refuses a second holder as well (tests start agents in-process).
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  let db: SqliteDatabase;
  try {
    // busy_timeout 0: a second agent fails at once instead of waiting for the first to exit.
    // journal_mode MEMORY: the transaction writes nothing, so no journal file needs to exist.
    db = await SqliteDatabase.openRaw(
      path.join(dataDir, LOCK_FILE),
      'PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY; BEGIN EXCLUSIVE;',
    );
  } catch (err) {
    if (isBusy(err)) throw new DataDirLockedError(dataDir, await holderPid(dataDir));
    throw err;
  }
  // Empty, but like every file of the data dir readable by root only.
  await chmod(path.join(dataDir, LOCK_FILE), 0o600);
  await writeFileAtomic(path.join(dataDir, PID_FILE), `${process.pid}\n`);
  let released: Promise<void> | null = null;
  return {
    release: () =>
      (released ??= (async () => {
        await rm(path.join(dataDir, PID_FILE), { force: true });
        await db.close();
      })()),
  };
}
