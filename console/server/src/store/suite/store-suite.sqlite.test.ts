import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ConsoleStore } from '../store';
import { openSqliteStore } from '../sqlite/sqlite-store';
import { ALL_STORE_SUITES } from './all-store-suites';
import type { StoreSuiteContext } from './store-suite';

describe('store suite on SQLite', () => {
  let dir = '';
  let dbPath = '';
  let current: ConsoleStore | undefined;

  const context: StoreSuiteContext = {
    get store(): ConsoleStore {
      if (!current) throw new Error('store not open');
      return current;
    },
    async reopen() {
      await current?.close();
      current = await openSqliteStore({ path: dbPath });
      return current;
    },
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-store-suite-'));
    dbPath = path.join(dir, 'console.sqlite');
    current = await openSqliteStore({ path: dbPath });
  });

  afterEach(async () => {
    await current?.close();
    current = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  for (const { name, suite } of ALL_STORE_SUITES) describe(name, () => suite(context));
});
