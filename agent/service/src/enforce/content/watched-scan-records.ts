/**
 * What the watched-folder channel has already judged, kept in the agent's database so a restart
 * neither scans an unchanged file again nor reports it twice. One row per path: the file's version
 * when it was scanned (device, inode, size, mtime and ctime in ns: scanVersionOf) and the criteria
 * it was judged by. An ordinary user can set mtime (`touch -r`) but not ctime, and a copy or a
 * replacing rename brings a new inode, so a changed file never matches its old version.
 */
import path from 'node:path';
import type { SqliteConnection } from '@dlp/shared/node';
import type { ContentSettings } from './content-verdict';

/** The table, as the agent's migrations create it (core/agent-db.ts gives it its id). */
export const WATCHED_FILE_SCANS_MIGRATION = {
  name: 'watched-folder scan records',
  sql: `
    CREATE TABLE watched_file_scans (
      dir TEXT NOT NULL,
      name TEXT NOT NULL,
      version TEXT NOT NULL,
      criteria TEXT NOT NULL,
      reported_sha256 TEXT,
      scanned_at INTEGER NOT NULL,
      PRIMARY KEY (dir, name)
    ) WITHOUT ROWID;
    CREATE INDEX watched_file_scans_by_age ON watched_file_scans (scanned_at);
  `,
};

export interface ScanRecord {
  /** scanVersionOf at the scan; `unsettled:`-prefixed when it could not be trusted (see versionToKeep). */
  version: string;
  /** criteriaOf the settings it was judged by. */
  criteria: string;
  /** The sha256 last reported for this path (a file saved again unchanged is not reported twice). */
  reported?: string;
}

/** The stat fields that change whenever the content can have changed, as BigInt stats give them. */
export interface VersionStats {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export function scanVersionOf(stats: VersionStats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

/**
 * File systems stamp ctime from a coarse clock (a few ms on ext4, 2 s on FAT): a rewrite right
 * after the scan, in the same tick, would keep the version. A file changed less than `marginMs`
 * before the scan began is recorded as unsettled, so the next look scans it again.
 */
export function versionToKeep(version: string, ctimeNs: bigint, scanStartedMs: number, marginMs: number): string {
  return BigInt(scanStartedMs - marginMs) * 1_000_000n >= ctimeNs ? version : unsettledVersion(version);
}

/** A version no file matches: the next look scans the file again. */
export function unsettledVersion(version: string): string {
  return `unsettled:${version}`;
}

/** Records kept at most by default: about 300 bytes each in the database with the index (30 MB). */
export const DEFAULT_MAX_SCAN_RECORDS = 100_000;

/** What makes two verdicts comparable: a policy that changes any of these judges every file again. */
export function criteriaOf(settings: Pick<ContentSettings, 'detectors' | 'minDistinct' | 'mode' | 'action'>): string {
  return JSON.stringify([[...settings.detectors].sort(), settings.minDistinct, settings.mode, settings.action]);
}

interface Row {
  name: string;
  version: string;
  criteria: string;
  reported_sha256: string | null;
}

const recordOf = (row: Row): ScanRecord => ({ version: row.version, criteria: row.criteria, ...(row.reported_sha256 ? { reported: row.reported_sha256 } : {}) });

/** Names deleted per statement (SQLite's default limit on parameters is far above this). */
const DELETE_CHUNK = 500;
/** Records written in one transaction at most, and how long one waits for others to join it. */
const PUT_BATCH = 500;
const PUT_DELAY_MS = 100;
/** Folders whose records are kept in memory (the walk's current folder, and a few the watcher touches). */
const FOLDERS_CACHED = 4;

const UPSERT = `INSERT INTO watched_file_scans (dir, name, version, criteria, reported_sha256, scanned_at) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (dir, name) DO UPDATE SET version = excluded.version, criteria = excluded.criteria, reported_sha256 = excluded.reported_sha256, scanned_at = excluded.scanned_at`;

/**
 * The records, read per path or per folder, written in batches: one commit per scanned file cost
 * more than the scan of a small file. A crash loses at most the last PUT_DELAY_MS of records; those
 * files are scanned again at the next start (and a repeated finding may be reported again).
 * The records of the last folders read stay in memory, kept up to date by every write, so the scan
 * of each file the walk queues does not ask the database again.
 */
export class WatchedScanRecords {
  private putsSinceTrim = 0;
  private readonly pending = new Map<string, { record: ScanRecord; at: number }>();
  private timer: NodeJS.Timeout | null = null;
  /** dir → its records, exactly as the database plus `pending` hold them; most recently read last. */
  private readonly cached = new Map<string, Map<string, ScanRecord>>();

  /** `maxRecords`: beyond it the oldest rows go (those files are scanned again at the next look). */
  constructor(
    private readonly db: SqliteConnection,
    private readonly maxRecords: number,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  async get(file: string): Promise<ScanRecord | undefined> {
    const waiting = this.pending.get(file);
    if (waiting) return waiting.record;
    const folder = this.cached.get(path.dirname(file));
    if (folder) return folder.get(path.basename(file));
    const row = await this.db.get<Row>('SELECT name, version, criteria, reported_sha256 FROM watched_file_scans WHERE dir = ? AND name = ?', [path.dirname(file), path.basename(file)]);
    return row ? recordOf(row) : undefined;
  }

  /** Every record of files directly in `dir`, by name (read only: later writes show in it while it is cached). */
  async folder(dir: string): Promise<ReadonlyMap<string, ScanRecord>> {
    await this.flush();
    const rows = await this.db.all<Row>('SELECT name, version, criteria, reported_sha256 FROM watched_file_scans WHERE dir = ?', [dir]);
    const records = new Map(rows.map((row) => [row.name, recordOf(row)]));
    this.cached.delete(dir);
    this.cached.set(dir, records);
    for (const oldest of this.cached.keys()) {
      if (this.cached.size <= FOLDERS_CACHED) break;
      this.cached.delete(oldest);
    }
    return records;
  }

  /** Keeps `record` for `file`: written with others within PUT_DELAY_MS, or at once when PUT_BATCH wait. */
  async put(file: string, record: ScanRecord, now = Date.now()): Promise<void> {
    this.pending.delete(file);
    this.pending.set(file, { record, at: now });
    this.cached.get(path.dirname(file))?.set(path.basename(file), record);
    if (this.pending.size >= PUT_BATCH) return this.flush();
    this.timer ??= setTimeout(() => void this.flush().catch(this.onError), PUT_DELAY_MS).unref();
  }

  /** Writes the records waiting (stop calls it before the database closes). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending.clear();
    await this.db.transaction(async (tx) => {
      for (const [file, { record, at }] of batch) await tx.run(UPSERT, [path.dirname(file), path.basename(file), record.version, record.criteria, record.reported ?? null, at]);
    });
    this.putsSinceTrim += batch.length;
    if (this.putsSinceTrim >= 1000) await this.trim();
  }

  async forget(file: string): Promise<void> {
    this.pending.delete(file);
    this.cached.get(path.dirname(file))?.delete(path.basename(file));
    await this.db.run('DELETE FROM watched_file_scans WHERE dir = ? AND name = ?', [path.dirname(file), path.basename(file)]);
  }

  /** Forgets files of `dir` that are no longer there. */
  async forgetNames(dir: string, names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    for (const name of names) {
      this.pending.delete(path.join(dir, name));
      this.cached.get(dir)?.delete(name);
    }
    await this.db.transaction(async (tx) => {
      for (let i = 0; i < names.length; i += DELETE_CHUNK) {
        const chunk = names.slice(i, i + DELETE_CHUNK);
        await tx.run(`DELETE FROM watched_file_scans WHERE dir = ? AND name IN (${chunk.map(() => '?').join(',')})`, [dir, ...chunk]);
      }
    });
  }

  /** After a complete look at every watched folder: forgets folders it did not find (removed, or no longer watched). */
  async keepOnlyFolders(visited: ReadonlySet<string>): Promise<number> {
    await this.flush();
    const dirs = await this.db.all<{ dir: string }>('SELECT DISTINCT dir FROM watched_file_scans');
    const gone = dirs.map((d) => d.dir).filter((dir) => !visited.has(dir));
    let removed = 0;
    for (const dir of gone) this.cached.delete(dir);
    for (const dir of gone) removed += (await this.db.run('DELETE FROM watched_file_scans WHERE dir = ?', [dir])).changes;
    return removed + (await this.trim());
  }

  async count(): Promise<number> {
    await this.flush();
    return (await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM watched_file_scans'))?.n ?? 0;
  }

  /** Keeps at most maxRecords rows, dropping the oldest scans. */
  async trim(): Promise<number> {
    this.putsSinceTrim = 0;
    await this.flush();
    const excess = (await this.count()) - this.maxRecords;
    if (excess <= 0) return 0;
    // Which rows go is the database's choice: no cached folder is sure to match it any more.
    this.cached.clear();
    const result = await this.db.run('DELETE FROM watched_file_scans WHERE (dir, name) IN (SELECT dir, name FROM watched_file_scans ORDER BY scanned_at LIMIT ?)', [excess]);
    return result.changes;
  }
}
