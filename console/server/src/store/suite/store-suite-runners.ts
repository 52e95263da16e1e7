import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPostgresStore } from '../postgres/postgres-store';
import { openSqliteStore } from '../sqlite/sqlite-store';
import type { ConsoleStore } from '../store';
import type { StoreSuite, StoreSuiteContext } from './store-suite';

// The runners live here, not in the two store-suite test files, so suites that need code above the
// store (a service run against both engines, e.g. group commit) run from their own folder and
// store/ never imports them.

/** A suite with the name its `describe` block gets. */
export interface NamedStoreSuite {
  name: string;
  suite: StoreSuite;
}

/** The store a suite's tests see, opened before each test and reopened on request with `open`. */
function openedStore(open: () => Promise<ConsoleStore>): StoreSuiteContext & { start(): Promise<void>; stop(): Promise<void> } {
  let current: ConsoleStore | undefined;
  return {
    get store(): ConsoleStore {
      if (!current) throw new Error('store not open');
      return current;
    },
    async reopen() {
      await current?.close();
      current = await open();
      return current;
    },
    async start() {
      current = await open();
    },
    async stop() {
      await current?.close();
      current = undefined;
    },
  };
}

/** The PostgreSQL these tests use (trust auth on loopback on the build machines). */
const DATABASE_URL = process.env.DLP_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** Runs the suites against PostgreSQL, each test in a schema of its own. */
export function runStoreSuitesOnPostgres(title: string, suites: readonly NamedStoreSuite[]): void {
  describe(title, () => {
    let schema = '';
    const context = openedStore(() => openPostgresStore({ connectionString: DATABASE_URL, schema, maxConnections: 4, nodeId: 'suite-node' }));

    beforeEach(async () => {
      // A schema of its own per test: tests never see each other's rows and leave nothing behind.
      schema = `dlp_t_${randomBytes(6).toString('hex')}`;
      await context.start();
    });

    afterEach(async () => {
      await context.stop();
      const admin = new pg.Client({ connectionString: DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await admin.end();
      }
    });

    for (const { name, suite } of suites) describe(name, () => suite(context));
  });
}

/** Runs the suites against a fresh SQLite file per test. */
export function runStoreSuitesOnSqlite(title: string, suites: readonly NamedStoreSuite[]): void {
  describe(title, () => {
    let dir = '';
    const context = openedStore(() => openSqliteStore({ path: path.join(dir, 'console.sqlite') }));

    beforeEach(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'dlp-store-suite-'));
      await context.start();
    });

    afterEach(async () => {
      await context.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    for (const { name, suite } of suites) describe(name, () => suite(context));
  });
}
