import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate, SqliteDatabase } from './sqlite';

describe('SqliteDatabase', () => {
  let dir: string;
  let db: SqliteDatabase;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-sqlite-'));
    db = await SqliteDatabase.open(path.join(dir, 't.sqlite'));
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
});
