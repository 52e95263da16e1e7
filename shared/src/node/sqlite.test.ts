import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtinSqlite, migrate, SqliteDatabase, type SqliteDriverChoice } from './sqlite';

// Node's own SQLite is there without a flag from 22.13 (and in 24): the agent packages' runtime
// uses it. On such a runtime both drivers must keep the contract; on Node 20 only sqlite3 exists.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const runtimeHasBuiltin = major > 22 || (major === 22 && minor >= 13);

it(`finds node:sqlite exactly when the runtime has it (Node ${process.versions.node})`, () => {
  expect(builtinSqlite() !== undefined).toBe(runtimeHasBuiltin);
});

const drivers: [SqliteDriverChoice, string][] = [['sqlite3', 'sqlite3'], ...(runtimeHasBuiltin ? [['auto', 'node:sqlite'] as [SqliteDriverChoice, string]] : [])];

describe.each(drivers)('SqliteDatabase (driver choice %s: %s)', (choice, driverName) => {
  let dir: string;
  let db: SqliteDatabase;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-sqlite-'));
    db = await SqliteDatabase.open(path.join(dir, 't.sqlite'), { driver: choice });
    expect(db.driver).toBe(driverName);
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const migrations = [
    { id: 1, name: 'items', sql: 'CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT NOT NULL)' },
    { id: 2, name: 'items-unique', sql: 'CREATE UNIQUE INDEX items_v ON items (v)' },
  ];

  it('uses WAL and applies migrations once', async () => {
    expect(await db.get<{ journal_mode: string }>('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
    expect(await migrate(db, migrations)).toEqual([1, 2]);
    expect(await migrate(db, migrations)).toEqual([]);
  });

  it('reuses prepared writes: a bad statement fails its caller only, and the connection still closes', async () => {
    await migrate(db, migrations);
    for (let i = 0; i < 100; i++) await db.run('INSERT INTO items (v) VALUES (?)', [`v${i}`]);
    // More distinct statements than the cache holds: the oldest are finalized, not leaked.
    for (let i = 0; i < 80; i++) await db.run(`UPDATE items SET v = v WHERE id = ${i}`);
    await expect(db.run('INSERT INTO no_such_table VALUES (?)', [1])).rejects.toThrow(/no such table/);
    await expect(db.run('INSERT INTO no_such_table VALUES (?)', [1])).rejects.toThrow(/no such table/);
    const result = await db.run('INSERT INTO items (v) VALUES (?)', ['last']);
    expect(result).toEqual({ changes: 1, lastId: 101 });
    expect(await db.get('SELECT count(*) AS n FROM items')).toEqual({ n: 101 });
  });

  it('rolls back a failed transaction as a whole', async () => {
    await migrate(db, migrations);
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO items (v) VALUES (?)', ['a']);
        await tx.run('INSERT INTO items (v) VALUES (?)', ['a']);
      }),
    ).rejects.toThrow(/UNIQUE/);
    expect(await db.all('SELECT * FROM items')).toEqual([]);
  });

  it('never interleaves another caller into an open transaction', async () => {
    await migrate(db, migrations);
    const order: string[] = [];
    const tx = db.transaction(async (t) => {
      await t.run('INSERT INTO items (v) VALUES (?)', ['in-tx']);
      order.push('tx-insert');
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('abort');
    });
    const outside = db.all<{ v: string }>('SELECT v FROM items').then((rows) => {
      order.push('outside-read');
      return rows;
    });
    await expect(tx).rejects.toThrow('abort');
    expect(await outside).toEqual([]);
    expect(order).toEqual(['tx-insert', 'outside-read']);
  });

  it('gives blobs back as Buffers and numbers as numbers', async () => {
    await db.exec('CREATE TABLE b (k INTEGER, v BLOB)');
    await db.run('INSERT INTO b VALUES (?, ?)', [7, Buffer.from([1, 2, 3])]);
    const row = await db.get<{ k: number; v: Buffer }>('SELECT k, v FROM b');
    expect(Buffer.isBuffer(row?.v)).toBe(true);
    expect(row).toEqual({ k: 7, v: Buffer.from([1, 2, 3]) });
  });

  it('refuses a second exclusive holder of a file with SQLITE_BUSY, and lets it in once the first closes', async () => {
    const lockSql = 'PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY; BEGIN EXCLUSIVE;';
    const file = path.join(dir, 'lock');
    const first = await SqliteDatabase.openRaw(file, lockSql, choice);
    await expect(SqliteDatabase.openRaw(file, lockSql, choice)).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    await first.close();
    const second = await SqliteDatabase.openRaw(file, lockSql, choice);
    await second.close();
  });
});
