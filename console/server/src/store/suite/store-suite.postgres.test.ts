import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ConsoleStore } from '../store';
import { openPostgresStore } from '../postgres/postgres-store';
import { ALL_STORE_SUITES } from './all-store-suites';
import type { StoreSuiteContext } from './store-suite';

/** The PostgreSQL these tests use (trust auth on loopback on the build machines). */
const DATABASE_URL = process.env.DLP_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

describe('store suite on PostgreSQL', () => {
  let schema = '';
  let current: ConsoleStore | undefined;

  const open = (): Promise<ConsoleStore> => openPostgresStore({ connectionString: DATABASE_URL, schema, maxConnections: 4, nodeId: 'suite-node' });

  const context: StoreSuiteContext = {
    get store(): ConsoleStore {
      if (!current) throw new Error('store not open');
      return current;
    },
    async reopen() {
      await current?.close();
      current = await open();
      return current;
    },
  };

  beforeEach(async () => {
    // A schema of its own per test: tests never see each other's rows and leave nothing behind.
    schema = `dlp_t_${randomBytes(6).toString('hex')}`;
    current = await open();
  });

  afterEach(async () => {
    await current?.close();
    current = undefined;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await admin.end();
    }
  });

  for (const { name, suite } of ALL_STORE_SUITES) describe(name, () => suite(context));
});
