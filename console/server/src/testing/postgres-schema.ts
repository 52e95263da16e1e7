import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL the tests use (trust auth on loopback on the build machines). */
export const TEST_DATABASE_URL = process.env.DLP_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

/**
 * A fresh schema name per test (`<prefix>_<12 hex>`), so tests never see each other's rows and can
 * drop everything they made. Only hex follows the prefix, so it is safe to splice into SQL.
 */
export function randomSchemaName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Drops `schema` and everything in it (a no-op when it was never created). */
export async function dropTestSchema(schema: string, databaseUrl = TEST_DATABASE_URL): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a test schema name: ${schema}`);
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await admin.end();
  }
}
