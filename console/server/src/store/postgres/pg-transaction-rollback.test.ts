import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { waitFor } from '../../testing/wait-for';
import type { AuditRecord } from '../store';
import { openPostgresStore, type PostgresConsoleStore } from './postgres-store';

/**
 * A transaction whose statements run pipelined on its client (as the roll-up upserts do) and one of
 * them fails: the ROLLBACK must wait until the others are answered, never queue behind them
 * (node-postgres: "Calling client.query() when the client is already executing a query is deprecated").
 */
const DATABASE_URL = process.env.DLP_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

const auditRow = (id: number): AuditRecord => ({
  id, at: '2026-01-01T00:00:00.000Z', actorId: null, actorUsername: null, actorRole: null, actorSystem: 'console', action: 'console.start',
  targetType: null, targetId: null, beforeJson: null, afterJson: null, sourceIp: null, prevHash: 'p', hash: `h${id}`,
});

/** The part of a node-postgres client its deprecation check reads (statements queued, not yet sent). */
interface QueueingClient {
  _queryQueue?: unknown[];
  pipeline?: boolean;
}

describe('PostgreSQL transaction rollback with statements in flight', () => {
  const schema = `dlp_t_${randomBytes(6).toString('hex')}`;
  let store: PostgresConsoleStore;
  /** Statements sent while the client still had another queued: what node-postgres warns about. */
  const sentBehindQueued: string[] = [];
  const realQuery = pg.Client.prototype.query;

  beforeAll(async () => {
    store = await openPostgresStore({ connectionString: DATABASE_URL, schema, maxConnections: 2, nodeId: 'node-a' });
    // Jest's sandboxed `process` never sees the warning itself: watch the condition node-postgres checks.
    pg.Client.prototype.query = function (this: pg.Client & QueueingClient, ...args: unknown[]) {
      if ((this._queryQueue?.length ?? 0) > 0 && this.pipeline !== true) sentBehindQueued.push(typeof args[0] === 'string' ? args[0] : 'a query object');
      return (realQuery as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof realQuery;
  });

  beforeEach(() => {
    sentBehindQueued.length = 0;
  });

  afterAll(async () => {
    pg.Client.prototype.query = realQuery;
    await store.close();
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
  });

  it('never sends ROLLBACK behind a queued statement when the server ends the session mid-pipeline', async () => {
    await store.audit.append(auditRow(1));
    const blocker = new pg.Client({ connectionString: DATABASE_URL });
    const killer = new pg.Client({ connectionString: DATABASE_URL });
    await blocker.connect();
    await killer.connect();
    try {
      // Holds the settings table so the transaction's first statement waits on the server...
      await blocker.query(`BEGIN; LOCK TABLE ${schema}.settings IN ACCESS EXCLUSIVE MODE`);
      const failing = store.transaction(async (tx) => {
        // ...while the statement sent right behind it (as the roll-up upserts go) stays queued on the client.
        await Promise.all([tx.settings.get('a'), tx.audit.last()]);
      });
      failing.catch(() => undefined);
      // ...then the server ends that session (pg_terminate_backend: FATAL 57P01, then the socket closes).
      const waiting = await waitFor('the transaction to wait on the lock', async () => {
        const rows = await killer.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'dlp-console node-a' AND wait_event_type = 'Lock'");
        return rows.rows[0]?.pid;
      });
      await killer.query('SELECT pg_terminate_backend($1)', [waiting]);
      await expect(failing).rejects.toMatchObject({ code: '57P01' });
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
      await killer.end();
    }
    expect(sentBehindQueued).toEqual([]);
    // The dead client was dropped, not handed out again: the store goes on working.
    const ids = await Promise.all([1, 2, 3].map(() => store.transaction(async (tx) => (await tx.audit.last())?.id)));
    expect(ids).toEqual([1, 1, 1]);
  });

  it('rolls back a failed pipelined statement and keeps the connection', async () => {
    for (let round = 0; round < 3; round++) {
      const failing = store.transaction(async (tx) => {
        await tx.audit.append(auditRow(100 + round));
        await Promise.all([tx.audit.append(auditRow(1)), tx.settings.get('a')]);
      });
      await expect(failing).rejects.toMatchObject({ code: '23505' });
    }
    expect(sentBehindQueued).toEqual([]);
    // Rolled back: the rows of the failed transactions are gone.
    expect((await store.audit.last())?.id).toBe(1);
  });
});
