import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { AuditRecord } from '../store';
import { expectedFacts, FACTS_SQL, legacyAgentInsert, legacyAgents } from '../sql/agent-table-facts-test-helpers';
import { decodeText, encodeText } from '../stored-text';
import { legacyEventRow, legacyEvents, policyVersion } from '../suite/suite-fixtures';
import { migratePostgres } from './pg-migrate';
import { openPostgresStore, PG_MIGRATIONS, type PostgresConsoleStore } from './postgres-store';

/** PostgreSQL-only behaviour; everything both stores share is in ../suite (store-suite.postgres.test.ts). */
const DATABASE_URL = process.env.DLP_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

describe('PostgreSQL console store', () => {
  let schema = '';
  const opened: PostgresConsoleStore[] = [];
  const open = async (nodeId = 'node-a'): Promise<PostgresConsoleStore> => {
    const store = await openPostgresStore({ connectionString: DATABASE_URL, schema, maxConnections: 4, nodeId });
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    schema = `dlp_t_${randomBytes(6).toString('hex')}`;
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
  });

  it('applies each migration once when several nodes start together', async () => {
    const [a] = await Promise.all([open('node-a'), open('node-b'), open('node-c')]);
    if (!a) throw new Error('no store');
    const rows = await a.pool.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(rows.rows.map((r) => r.id)).toEqual(PG_MIGRATIONS.map((m) => m.id).sort((x, y) => x - y));
  });

  it('refuses to rewrite the audit log or a published policy version, even in raw SQL', async () => {
    const store = await open();
    const row: AuditRecord = {
      id: 1, at: '2026-01-01T00:00:00.000Z', actorId: null, actorUsername: null, actorRole: null, actorSystem: 'console', action: 'console.start',
      targetType: null, targetId: null, beforeJson: null, afterJson: null, sourceIp: null, prevHash: 'p', hash: 'h',
    };
    await store.audit.append(row);
    const version = policyVersion('01a223a0-0000-7000-8000-000000000001', 1, 1);
    await store.policies.insertVersion(version);
    for (const sql of ["UPDATE audit_log SET action = 'x'", 'DELETE FROM audit_log', 'TRUNCATE audit_log']) {
      await expect(store.pool.query(sql)).rejects.toThrow(/audit_log is append-only/);
    }
    for (const sql of ["UPDATE policy_versions SET name = 'x'", 'DELETE FROM policy_versions', 'TRUNCATE policy_versions CASCADE']) {
      await expect(store.pool.query(sql)).rejects.toThrow(/policy_versions is immutable/);
    }
    expect(await store.audit.last()).toEqual(row);
    expect(await store.policies.findCurrentVersion(version.id)).toEqual(version);
  });

  it('serialises audit appends of concurrent transactions on different nodes', async () => {
    const [a, b] = [await open('node-a'), await open('node-b')];
    const append = (store: PostgresConsoleStore, n: number): Promise<void> =>
      store.transaction(async (tx) => {
        const head = await tx.audit.last();
        const id = (head?.id ?? 0) + 1;
        await tx.audit.append({
          id, at: new Date().toISOString(), actorId: null, actorUsername: null, actorRole: null, actorSystem: `node-${n}`, action: 'test',
          targetType: null, targetId: null, beforeJson: null, afterJson: null, sourceIp: null, prevHash: head?.hash ?? 'genesis', hash: `h${n}-${id}`,
        });
      });
    await Promise.all(Array.from({ length: 10 }, (_, i) => append(i % 2 === 0 ? a : b, i)));
    const rows = await a.audit.listAfter(0, 100);
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    rows.slice(1).forEach((r, i) => expect(r.prevHash).toBe(rows[i]?.hash));
  });

  it("marks offline only the agents this node served", async () => {
    const [a, b] = [await open('node-a'), await open('node-b')];
    await a.groups.insert({ id: 'default', name: 'default', policyId: null, builtIn: true, createdAt: new Date().toISOString() });
    const info = { hostname: 'ws', os: 'linux' as const, osVersion: '12', agentVersion: '0.1.0', user: null };
    for (const id of ['agent-a', 'agent-b']) await a.agents.insert({ id, tokenHash: 'ab'.repeat(32), groupId: 'default', info, enrolledAt: new Date().toISOString(), enrollSecretId: 'x' });
    await a.agents.recordHello('agent-a', { info, policySerial: null, seenAt: new Date().toISOString() });
    await b.agents.recordHello('agent-b', { info, policySerial: null, seenAt: new Date().toISOString() });
    // Node B restarts: its own agents' connections are gone, node A's are not.
    await b.agents.setAllOffline();
    expect((await a.agents.list({ online: true, limit: 10 })).map((x) => x.id)).toEqual(['agent-a']);
    // A late disconnect seen by B after the agent moved to A changes nothing.
    await b.agents.setOffline('agent-a');
    expect((await a.agents.findById('agent-a'))?.online).toBe(true);
  });

  it('migration 60 keeps events stored whole readable, unchanged', async () => {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 1 });
    const events = legacyEvents('0190a5b4-0000-7000-8000-000000000001');
    try {
      await migratePostgres(pool, PG_MIGRATIONS.filter((m) => m.id < 60), schema);
      for (const event of events) {
        const row = legacyEventRow(event, 'default');
        // As the store's statements bind text: NUL escaped (PostgreSQL text cannot hold it).
        const values = row.values.map((v) => (typeof v === 'string' ? encodeText(v) : v));
        await pool.query(`INSERT INTO events (${row.columns.join(', ')}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`, values);
      }
    } finally {
      await pool.end();
    }
    const store = await open();
    expect((await store.events.query({ limit: 10 })).map((r) => r.event)).toEqual([...events].reverse());
  });

  it('migration 69 gives agents stored before it the table facts the console writes', async () => {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 1 });
    const agents = legacyAgents();
    try {
      await migratePostgres(pool, PG_MIGRATIONS.filter((m) => m.id < 69), schema);
      await pool.query("INSERT INTO groups (id, name, policy_id, built_in, created_at) VALUES ('default', 'default', NULL, 1, '2026-01-01T00:00:00.000Z')");
      for (const agent of agents) {
        const insert = legacyAgentInsert(agent);
        // As the store's statements bind text: NUL escaped (PostgreSQL text cannot hold it).
        const values = insert.values.map((v) => (typeof v === 'string' ? encodeText(v) : v));
        let placeholder = 0;
        await pool.query(insert.sql.replace(/\?/g, () => `$${++placeholder}`), values);
      }
      await migratePostgres(pool, PG_MIGRATIONS, schema);
      const read = await pool.query<Record<string, unknown>>(FACTS_SQL);
      // Read back as the store reads text.
      expect(read.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? decodeText(v) : v])))).toEqual(expectedFacts(agents));
    } finally {
      await pool.end();
    }
  });

  it('rejects a schema name that is not a plain identifier', async () => {
    await expect(openPostgresStore({ connectionString: DATABASE_URL, schema: 'x; DROP TABLE users' })).rejects.toThrow(/schema name/);
  });
});
