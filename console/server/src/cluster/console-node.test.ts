import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createMemoryLogger } from '../testing/memory-logger';
import { openConsoleNode } from './console-node';

describe('console node on SQLite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-console-node-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function openAndLog(): Promise<Record<string, unknown> | undefined> {
    const logger = createMemoryLogger();
    const node = await openConsoleNode({ dataDir: dir, logger });
    await node.close();
    return logger.records.find((r) => r.msg === 'store: SQLite');
  }

  it('logs the page size of a new database, with no hint', async () => {
    const record = await openAndLog();
    expect(record).toMatchObject({ level: 'info', path: path.join(dir, 'console.sqlite'), pageSize: 16384 });
    expect(record).not.toHaveProperty('hint');
  });

  it('hints at the conversion for a database with 4 KiB pages, and the documented conversion keeps its data', async () => {
    const file = path.join(dir, 'console.sqlite');
    const old = new Database(file);
    old.exec("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE kept (x); INSERT INTO kept VALUES ('evidence')");
    old.close();
    const before = await openAndLog();
    expect(before).toMatchObject({ pageSize: 4096, hint: expect.stringContaining('docs/OPERATIONS.md') });

    // The statements docs/OPERATIONS.md gives to SQLite's shell, on the stopped console's file.
    const convert = new Database(file);
    convert.exec('PRAGMA journal_mode = DELETE; PRAGMA page_size = 16384; VACUUM; PRAGMA journal_mode = WAL;');
    expect(convert.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    convert.close();

    const after = await openAndLog();
    expect(after).toMatchObject({ pageSize: 16384 });
    expect(after).not.toHaveProperty('hint');
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT x FROM kept').all()).toEqual([{ x: 'evidence' }]);
    check.close();
  });
});
