import pg from 'pg';
import { dropTestSchema, randomSchemaName, TEST_DATABASE_URL } from '../../testing/postgres-schema';
import { RollupDeltas } from '../sql/event-rollup-queries';
import { InFlightQueries } from './pg-in-flight';
import { pgTransactionStatements } from './pg-statements';
import { openPostgresStore } from './postgres-store';

/**
 * Statements a transaction sends together (roll-up upserts of more than 200 rows per table,
 * `Promise.all` in repositories) must reach its client one at a time: node-postgres deprecates
 * "Calling client.query() when the client is already executing a query".
 */

/** The part of a node-postgres client that says whether it is busy (a statement active or queued). */
interface BusyClient {
  _activeQuery?: unknown;
  _queryQueue?: unknown[];
}

describe('PostgreSQL statements on one transaction client', () => {
  const schema = randomSchemaName('dlp_order');
  let pool: pg.Pool;
  let client: pg.PoolClient;
  /** Statements handed to a client that was still running or queueing another. */
  const sentWhileBusy: string[] = [];
  /** Statements handed to any client, to show the watch sees them. */
  let sent = 0;
  const realQuery = pg.Client.prototype.query;

  beforeAll(async () => {
    // Creates the schema and its tables; the store itself is not needed afterwards.
    const store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 1, nodeId: 'order' });
    await store.close();
    pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
    client = await pool.connect();
    // Jest's sandboxed `process` never sees the warning itself: watch the client's own state instead.
    pg.Client.prototype.query = function (this: pg.Client & BusyClient, ...args: unknown[]) {
      sent += 1;
      if (this._activeQuery != null || (this._queryQueue?.length ?? 0) > 0) sentWhileBusy.push(typeof args[0] === 'string' ? args[0].slice(0, 60) : 'a query object');
      return (realQuery as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof realQuery;
  });

  beforeEach(() => {
    sentWhileBusy.length = 0;
    sent = 0;
  });

  afterAll(async () => {
    pg.Client.prototype.query = realQuery;
    client.release();
    await pool.end();
    await dropTestSchema(schema);
  });

  it('sends roll-up upserts of more than 200 rows per table one after the other', async () => {
    await client.query('BEGIN');
    try {
      const sql = pgTransactionStatements(client, new InFlightQueries());
      const deltas = new RollupDeltas();
      // 500 distinct hours and users: three statements per roll-up table, six in all.
      for (let i = 0; i < 500; i++) {
        deltas.add({ occurredAtMs: Date.UTC(2026, 0, 1) + i * 3_600_000, type: 'file', action: 'block', severity: 'high', user: `u${i}`, host: 'h', deviceKey: null, app: null });
      }
      await deltas.write(sql);
      expect(sent).toBeGreaterThanOrEqual(6);
      expect(sentWhileBusy).toEqual([]);
      const hourly = await sql.get<{ n: string }>('SELECT count(*) AS n FROM event_rollup_hourly');
      const users = await sql.get<{ n: string }>("SELECT count(*) AS n FROM event_rollup_daily WHERE dimension = 'user'");
      expect([Number(hourly?.n), Number(users?.n)]).toEqual([500, 500]);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('answers statements sent together in order, one at a time, also across COPY and a failure', async () => {
    await client.query('BEGIN');
    const inFlight = new InFlightQueries();
    try {
      const sql = pgTransactionStatements(client, inFlight);
      await sql.exec('CREATE TEMP TABLE order_copied (n INT) ON COMMIT DROP');
      const copy = sql.copyFrom;
      if (!copy) throw new Error('transaction statements must COPY');
      const order: string[] = [];
      const answers = await Promise.all([
        sql.get<{ n: number }>('SELECT ?::int AS n', [1]).then((r) => (order.push('first'), r?.n)),
        copy('COPY order_copied (n) FROM STDIN', Buffer.from('1\n2\n3\n', 'utf8')).then((n) => (order.push('copy'), n)),
        sql.get<{ n: string }>('SELECT count(*) AS n FROM order_copied').then((r) => (order.push('count'), Number(r?.n))),
        ...[4, 5, 6].map((n) => sql.get<{ n: number }>('SELECT ?::int AS n', [n]).then((r) => (order.push(`select ${n}`), r?.n))),
      ]);
      // The count ran after the COPY it follows: statements keep the order they were sent in.
      expect(answers).toEqual([1, 3, 3, 4, 5, 6]);
      expect(order).toEqual(['first', 'copy', 'count', 'select 4', 'select 5', 'select 6']);
      // A failing statement does not let the ones queued behind it jump ahead or overlap.
      await client.query('SAVEPOINT before_failure');
      const outcomes = await Promise.allSettled([sql.get('SELECT 1/0'), sql.get('SELECT 1'), sql.get('SELECT 2')]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
      await inFlight.settled();
      await client.query('ROLLBACK TO SAVEPOINT before_failure');
      expect(sentWhileBusy).toEqual([]);
    } finally {
      await inFlight.settled();
      await client.query('ROLLBACK');
    }
  });
});
