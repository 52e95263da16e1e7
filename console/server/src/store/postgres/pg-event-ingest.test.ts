import type { StoredEvent } from '@dlp/shared';
import { dropTestSchema, randomSchemaName, TEST_DATABASE_URL } from '../../testing/postgres-schema';
import { waitFor } from '../../testing/wait-for';
import { addAgent, addGroup, storedEvent } from '../suite/suite-fixtures';
import { openPostgresStore, type PostgresConsoleStore } from './postgres-store';

/**
 * PostgreSQL ingest paths (COPY, and the INSERT that skips duplicates) under concurrency: the lock
 * order that keeps in-flight ingest transactions from deadlocking, and transactions that wait on
 * each other. What both stores share is in ../suite/events-ingest.store-suite.ts.
 */
const DAY = Date.UTC(2026, 2, 2);
const HOUR_MS = 3_600_000;

/**
 * Users whose code unit order (JavaScript's `<`) differs from code point order (PostgreSQL's "C"),
 * and whose raw order differs from the order of their stored form (NUL is kept as U+E000 "0", so
 * stored 'a\0b' sorts after 'a!b' although NUL sorts before '!').
 */
const USERS = ['bob', 'Alice', '\uFF21lice', '😀 smile', 'zoë', 'a\u0000b', 'a!b', 'a\uE000b', null];

function event(agentId: string, seq: number): StoredEvent {
  return storedEvent(agentId, seq, {
    occurredAt: new Date(DAY + ((seq * 7) % 5) * HOUR_MS + seq).toISOString(),
    type: (['app', 'usb', 'content'] as const)[seq % 3] ?? 'app',
    action: (['would-block', 'blocked'] as const)[seq % 2] ?? 'blocked',
    severity: (['low', 'high', 'medium'] as const)[(seq >> 1) % 3] ?? 'low',
    user: USERS[seq % USERS.length] ?? null,
    host: `ws-${(seq * 3) % 4}`,
  });
}

const batchOf = (agentId: string, from: number, count: number): StoredEvent[] => Array.from({ length: count }, (_, i) => event(agentId, from + i));

describe('PostgreSQL event ingest', () => {
  let schema = '';
  let store: PostgresConsoleStore;
  let agents: string[] = [];

  beforeEach(async () => {
    schema = randomSchemaName('dlp_t');
    store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4, nodeId: schema });
    const groupId = await addGroup(store, 'default', true);
    agents = [await addAgent(store, groupId), await addAgent(store, groupId)];
  });

  afterEach(async () => {
    await store.close();
    await dropTestSchema(schema);
  });

  /** The total of the hourly roll-up (every event counted once) and the stored rows. */
  async function counts(): Promise<{ hourly: number; daily: number; events: number }> {
    const { rows } = await store.pool.query<{ hourly: number; daily: number; events: number }>(
      `SELECT (SELECT sum(count) FROM event_rollup_hourly) AS hourly, (SELECT sum(count) FROM event_rollup_daily WHERE dimension = 'host') AS daily,
              (SELECT count(*) FROM events) AS events`,
    );
    return rows[0] ?? { hourly: -1, daily: -1, events: -1 };
  }

  /** Resolves once a transaction of this store waits for a lock another one holds. */
  const someoneWaitsForALock = (): Promise<true> =>
    waitFor('an ingest transaction waiting for a lock', async () => {
      const { rows } = await store.pool.query<{ n: number }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
        [`dlp-console ${schema}`.slice(0, 63)],
      );
      return (rows[0]?.n ?? 0) > 0;
    });

  /** A transaction that ingests `events`, then stays open until `release` is called. */
  function heldOpen(events: StoredEvent[]): { done: Promise<number>; inserted: Promise<void>; release: () => void } {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let markInserted = (): void => undefined;
    const inserted = new Promise<void>((resolve) => (markInserted = resolve));
    const done = store.transaction(async (tx) => {
      const keys = await tx.events.insertEvents(events);
      markInserted();
      await gate;
      return keys.length;
    });
    return { done, inserted, release };
  }

  it('upserts roll-ups hourly first, each table in key order, whether it COPYs or falls back to INSERT', async () => {
    // Records, per transaction, which statement wrote events and the order roll-up rows were locked.
    await store.pool.query(`
      CREATE TABLE ingest_log (n BIGSERIAL, tx BIGINT DEFAULT txid_current(), what TEXT, hour_ms BIGINT, dimension TEXT, key TEXT, type TEXT, action TEXT, severity TEXT);
      CREATE FUNCTION log_events() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO ingest_log (what) VALUES (CASE WHEN current_query() LIKE 'COPY%' THEN 'copy' ELSE 'insert' END); RETURN NULL; END $$;
      CREATE FUNCTION log_hourly() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO ingest_log (what, hour_ms, type, action, severity) VALUES ('hourly', NEW.hour_ms, NEW.type, NEW.action, NEW.severity); RETURN NEW; END $$;
      CREATE FUNCTION log_daily() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO ingest_log (what, hour_ms, dimension, key, type, action) VALUES ('daily', NEW.day_ms, NEW.dimension, NEW.key, NEW.type, NEW.action); RETURN NEW; END $$;
      CREATE TRIGGER log_events BEFORE INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION log_events();
      CREATE TRIGGER log_hourly BEFORE INSERT ON event_rollup_hourly FOR EACH ROW EXECUTE FUNCTION log_hourly();
      CREATE TRIGGER log_daily BEFORE INSERT ON event_rollup_daily FOR EACH ROW EXECUTE FUNCTION log_daily();
    `);
    const [a = '', b = ''] = agents;
    const fresh = [...batchOf(a, 1, 60), ...batchOf(b, 1, 60)].reverse();
    // A redelivery of a's events plus new ones: COPY hits the stored rows, the INSERT path stores the rest.
    const redelivered = [...batchOf(a, 31, 30), ...batchOf(a, 61, 60)].reverse();
    expect(await store.transaction((tx) => tx.events.insertEvents(fresh))).toHaveLength(120);
    expect(await store.transaction((tx) => tx.events.insertEvents(redelivered))).toHaveLength(60);

    const { rows: paths } = await store.pool.query<{ what: string }>("SELECT what FROM ingest_log WHERE what IN ('copy', 'insert') ORDER BY n");
    // Fresh: COPY. Redelivery: COPY (rolled back to its savepoint), then INSERT; no trigger row of the rolled-back COPY survives.
    expect(paths.map((p) => p.what)).toEqual(['copy', 'insert']);
    const { rows: txs } = await store.pool.query<{ tx: number }>("SELECT DISTINCT tx FROM ingest_log WHERE what IN ('hourly', 'daily') ORDER BY tx");
    expect(txs).toHaveLength(2);
    for (const { tx } of txs) {
      const order = async (sortedBy: string): Promise<number[]> =>
        (await store.pool.query<{ n: number }>(`SELECT n FROM ingest_log WHERE tx = $1 AND what IN ('hourly', 'daily') ORDER BY ${sortedBy}`, [tx])).rows.map((r) => r.n);
      const written = await order('n');
      // Hourly rows ('hourly' > 'daily'), then daily rows, each in primary-key order with text by
      // code point: (hour_ms, type, action, severity) and (dimension, day_ms, key, type, action).
      const keyOrder = await order('what DESC, dimension COLLATE "C", hour_ms, key COLLATE "C", type COLLATE "C", action COLLATE "C", severity COLLATE "C"');
      expect(written.length).toBeGreaterThan(20);
      expect(written).toEqual(keyOrder);
    }
    expect(await counts()).toEqual({ hourly: 180, daily: 180, events: 180 });
  });

  it('commits two in-flight ingest transactions whose roll-up counters overlap', async () => {
    const [a = '', b = ''] = agents;
    // Same hours, types, actions, users and hosts: the second waits for the first's counter rows.
    const first = heldOpen(batchOf(a, 1, 200));
    await first.inserted;
    const second = store.transaction((tx) => tx.events.insertEvents(batchOf(b, 1, 200)));
    await someoneWaitsForALock();
    first.release();
    expect(await first.done).toBe(200);
    expect(await second).toHaveLength(200);
    expect(await counts()).toEqual({ hourly: 400, daily: 400, events: 400 });
  });

  it('stores once a redelivery that races the first delivery\'s open transaction', async () => {
    const [a = ''] = agents;
    const batch = batchOf(a, 1, 100);
    const first = heldOpen(batch.slice(0, 50));
    await first.inserted;
    // Overlaps the uncommitted rows: its COPY waits for them, then falls back and stores only 51-100.
    const second = store.transaction((tx) => tx.events.insertEvents(batch));
    await someoneWaitsForALock();
    first.release();
    expect(await first.done).toBe(50);
    expect((await second).map((k) => k.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 51 + i));
    expect(await counts()).toEqual({ hourly: 100, daily: 100, events: 100 });
  });
});
