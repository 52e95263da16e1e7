import type { Pool } from 'pg';
import type { Migration } from '@dlp/shared/node';

/** First key of the two-key advisory lock; the second is derived from the schema name. */
const MIGRATION_LOCK_NAMESPACE = 0x646c70; // "dlp"

/**
 * Applies pending migrations in id order, each in its own transaction, holding a session-level
 * advisory lock for the whole run so that several console nodes starting together apply each
 * migration exactly once (the others wait, then find nothing left to do). Returns the ids applied.
 */
export async function migratePostgres(pool: Pool, migrations: readonly Migration[], schema?: string): Promise<number[]> {
  const client = await pool.connect();
  // A connection lost mid-migration fails the statement in flight; without a listener the
  // client's 'error' event would end the process instead of failing the start-up cleanly.
  let lost = false;
  const onError = (): void => {
    lost = true;
  };
  client.on('error', onError);
  // The schema may not exist yet (then current_schema() is null), so it is named explicitly.
  const lockName = schema ?? (await client.query<{ name: string }>('SELECT current_schema() AS name')).rows[0]?.name ?? 'public';
  try {
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [MIGRATION_LOCK_NAMESPACE, lockName]);
    try {
      // Under the lock: concurrent CREATE SCHEMA IF NOT EXISTS can still collide on the catalog.
      // The name was checked to be a plain identifier by the caller.
      if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const applied = new Set((await client.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
      const done: number[] = [];
      for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
        if (applied.has(m.id)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [m.id, m.name, new Date().toISOString()]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`PostgreSQL migration ${m.id} (${m.name}) failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
        done.push(m.id);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [MIGRATION_LOCK_NAMESPACE, lockName]).catch(() => undefined);
    }
  } finally {
    client.off('error', onError);
    client.release(lost);
  }
}
