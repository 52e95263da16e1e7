import pg from 'pg';
import { sampleEvent, type StoredEvent } from '@dlp/shared';
import { openPostgresStore, type PostgresConsoleStore } from '../store/postgres/postgres-store';
import { addAgent, addGroup } from '../store/suite/suite-fixtures';
import { dropTestSchema, randomSchemaName, TEST_DATABASE_URL } from '../testing/postgres-schema';
import { waitFor } from '../testing/wait-for';
import { GroupCommit } from './group-commit';

const OCCURRED_AT = '2026-03-02T10:15:00.000Z';

describe('GroupCommit on PostgreSQL', () => {
  const schema = randomSchemaName('dlp_gc');
  let store: PostgresConsoleStore;
  let other: pg.Client;

  beforeAll(async () => {
    store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4, nodeId: 'group-commit-test' });
    other = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
    await other.connect();
  });

  afterAll(async () => {
    await other.end();
    await store.close();
    await dropTestSchema(schema);
  });

  const batch = (agentId: string, fromSeq: number, count: number): StoredEvent[] =>
    Array.from({ length: count }, (_, i) => ({ ...sampleEvent({ seq: fromSeq + i, occurredAt: OCCURRED_AT }), agentId, receivedAt: new Date().toISOString() }));

  it('retries a group that lost a deadlock once, so its batch is still stored and acked', async () => {
    const groupId = await addGroup(store, 'default', true);
    const agentId = await addAgent(store, groupId);
    const commit = new GroupCommit(store);
    // The hourly roll-up row exists, so the next ingest updates (locks) it.
    await commit.write(agentId, batch(agentId, 1, 10), 10, new Date().toISOString());

    // Another writer holds the agent's row; the ingest then locks the roll-up row and waits for it.
    await other.query("SET deadlock_timeout = '30s'"); // the ingest's backend is the one to detect the cycle
    await other.query('BEGIN');
    await other.query('UPDATE agents SET last_seen_at = last_seen_at WHERE id = $1', [agentId]);
    const write = commit.write(agentId, batch(agentId, 11, 50), 60, new Date().toISOString());
    await waitFor('the ingest waiting for the agent row', async () => {
      // Inside a transaction the activity view is a snapshot taken once: refresh it.
      await other.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await other.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE agents SET acked_seq%'",
      );
      return Number(rows[0]?.n) > 0;
    });
    // Closing the cycle: the ingest transaction is chosen as the deadlock victim (40P01).
    await other.query('UPDATE event_rollup_hourly SET count = count');
    await other.query('COMMIT');

    expect(await write).toHaveLength(50);
    expect((await store.agents.findById(agentId))?.ackedSeq).toBe(60);
    const hour = Date.parse(OCCURRED_AT) - (Date.parse(OCCURRED_AT) % 3_600_000);
    const hourly = await store.eventSearch.hourlyCounts({ fromMs: hour, toMs: hour + 3_600_000 }, {});
    expect(hourly.map((r) => r.count)).toEqual([60]);
  });
});
