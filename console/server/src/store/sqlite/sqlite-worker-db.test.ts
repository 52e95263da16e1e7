import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { isUniqueViolation } from '../store-errors';
import { NEW_DATABASE_PAGE_SIZE, SqliteWorkerDatabase } from './sqlite-worker-db';

describe('SQLite worker connection', () => {
  let dir: string;
  let file: string;
  const open: SqliteWorkerDatabase[] = [];

  async function connect(busyTimeoutMs = 5000): Promise<SqliteWorkerDatabase> {
    const db = await SqliteWorkerDatabase.open(file, { busyTimeoutMs });
    open.push(db);
    return db;
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-sqlite-worker-'));
    file = path.join(dir, 'test.sqlite');
  });
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates new databases with 16 KiB pages in WAL mode, and leaves an existing database its own page size', async () => {
    const fresh = await connect();
    await fresh.exec('CREATE TABLE t (x)');
    expect(await fresh.get('PRAGMA page_size')).toEqual({ page_size: NEW_DATABASE_PAGE_SIZE });
    expect(NEW_DATABASE_PAGE_SIZE).toBe(16384);
    expect(await fresh.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });

    // A database made before (4 KiB pages, WAL, rows): opened as it is, still readable and writable.
    const oldFile = path.join(dir, 'old.sqlite');
    const old = new Database(oldFile);
    old.exec("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES ('kept')");
    old.close();
    const reopened = await SqliteWorkerDatabase.open(oldFile);
    open.push(reopened);
    await reopened.run('INSERT INTO t VALUES (?)', ['added']);
    expect(await reopened.get('PRAGMA page_size')).toEqual({ page_size: 4096 });
    expect(await reopened.all('SELECT x FROM t ORDER BY rowid')).toEqual([{ x: 'kept' }, { x: 'added' }]);
  });

  it('binds whole numbers as INTEGER and returns BLOBs as Buffers, as the store expects', async () => {
    const db = await connect();
    await db.exec('CREATE TABLE t (untyped, n INTEGER, b BLOB)');
    await db.run('INSERT INTO t VALUES (?, ?, ?)', [5, 2 ** 40, Buffer.from([1, 2, 3])]);
    await db.run('INSERT INTO t VALUES (?, ?, ?)', [2.5, -7, null]);
    const rows = await db.all<{ untyped: number; kind: string; text: string; n: number; b: Buffer | null }>(
      "SELECT untyped, typeof(untyped) AS kind, untyped || '' AS text, n, b FROM t ORDER BY rowid",
    );
    expect(rows.map(({ kind, text, n }) => ({ kind, text, n }))).toEqual([
      { kind: 'integer', text: '5', n: 2 ** 40 },
      { kind: 'real', text: '2.5', n: -7 },
    ]);
    expect(Buffer.isBuffer(rows[0]?.b)).toBe(true);
    expect(rows[0]?.b?.equals(Buffer.from([1, 2, 3]))).toBe(true);
  });

  it('answers run on a query, all on a write, and keeps the error code of a failed statement', async () => {
    const db = await connect();
    await db.exec('CREATE TABLE t (k TEXT UNIQUE)');
    expect(await db.all('INSERT INTO t VALUES (?)', ['a'])).toEqual([]);
    expect(await db.run('SELECT k FROM t')).toEqual({ changes: 0, lastId: 0 });
    expect(await db.get('INSERT INTO t VALUES (?)', ['b'])).toBeUndefined();
    const failure = await db.run('INSERT INTO t VALUES (?)', ['a']).catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE', message: expect.stringContaining('UNIQUE constraint failed') });
    expect(isUniqueViolation(failure)).toBe(true);
    expect(await db.get<{ n: number }>('SELECT count(*) AS n FROM t')).toEqual({ n: 2 });
  });

  it('runs nothing of a transaction whose BEGIN failed, even though its statements were already sent', async () => {
    const db = await connect(50);
    await db.exec('CREATE TABLE t (v INTEGER); CREATE TEMP TABLE scratch (v INTEGER)');
    const other = await connect();
    // Another connection holds the write lock: our BEGIN IMMEDIATE times out after 50 ms. A temp
    // table needs no lock, so a statement the guard let through would run (and autocommit).
    await other.exec('BEGIN IMMEDIATE');
    const attempt = db.transaction(async (tx) => {
      await tx.run('INSERT INTO scratch VALUES (1)');
      await tx.run('INSERT INTO t VALUES (2)');
    });
    await expect(attempt).rejects.toThrow();
    await other.exec('COMMIT');
    expect(await db.get<{ n: number }>('SELECT (SELECT count(*) FROM t) + (SELECT count(*) FROM scratch) AS n')).toEqual({ n: 0 });
    // The connection is usable afterwards.
    await db.transaction((tx) => tx.run('INSERT INTO t VALUES (3)'));
    expect(await db.all<{ v: number }>('SELECT v FROM t')).toEqual([{ v: 3 }]);
  });

  it('rolls back a transaction whose COMMIT failed before the next one (already queued) starts', async () => {
    const db = await connect();
    await db.exec(`
      CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);`);
    // A deferred foreign key is checked at COMMIT: that COMMIT fails and would leave the
    // transaction open.
    const failing = db.transaction((tx) => tx.run('INSERT INTO child VALUES (42)'));
    const next = db.transaction(async (tx) => {
      await tx.run('INSERT INTO parent VALUES (1)');
      await tx.run('INSERT INTO child VALUES (1)');
    });
    await expect(failing).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    await next;
    expect(await db.all('SELECT parent_id FROM child')).toEqual([{ parent_id: 1 }]);
  });

  it('keeps callers in order: a transaction sees nothing of statements queued after it', async () => {
    const db = await connect();
    await db.exec('CREATE TABLE t (v INTEGER)');
    const seen: number[] = [];
    const tx = db.transaction(async (statements) => {
      await statements.run('INSERT INTO t VALUES (1)');
      seen.push((await statements.get<{ n: number }>('SELECT count(*) AS n FROM t'))?.n ?? -1);
    });
    const after = db.run('INSERT INTO t VALUES (2)');
    await Promise.all([tx, after]);
    expect(seen).toEqual([1]);
    expect(await db.get<{ n: number }>('SELECT count(*) AS n FROM t')).toEqual({ n: 2 });
  });

  it('fails every request once closed', async () => {
    const db = await connect();
    await db.close();
    await expect(db.get('SELECT 1')).rejects.toThrow(/exited|closed/);
  });
});
