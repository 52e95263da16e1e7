import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uuidv7 } from '@dlp/shared';
import { migrate } from '@dlp/shared/node';
import { expectedFacts, FACTS_SQL, legacyAgentInsert, legacyAgents } from '../sql/agent-table-facts-test-helpers';
import { legacyEventRow, legacyEvents } from '../suite/suite-fixtures';
import { SqliteWorkerDatabase } from './sqlite-worker-db';
import type { ConsoleStore } from '../store';
import { openSqliteStore, SQLITE_MIGRATIONS } from './sqlite-store';

const AGENT_INFO = { hostname: 'ws-1', os: 'linux', osVersion: '12', agentVersion: '0.1.0', user: null } as const;

describe('SQLite console store', () => {
  let dir: string;
  let dbPath: string;
  let store: ConsoleStore;
  let agentId: string;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-store-'));
    dbPath = path.join(dir, 'console.sqlite');
    store = await openSqliteStore({ path: dbPath });
    await store.groups.insert({ id: 'default', name: 'default', policyId: null, builtIn: true, createdAt: new Date().toISOString() });
    agentId = uuidv7();
    await store.agents.insert({ id: agentId, tokenHash: 'ab'.repeat(32), groupId: 'default', info: AGENT_INFO, enrolledAt: new Date().toISOString(), enrollSecretId: 'x' });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies its migrations once and keeps data across reopen', async () => {
    await store.close();
    store = await openSqliteStore({ path: dbPath });
    expect((await store.agents.findById(agentId))?.info.hostname).toBe('ws-1');
    await store.close();

    const raw = await SqliteWorkerDatabase.open(dbPath);
    const applied = await raw.all<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(applied.map((r) => r.id)).toEqual(SQLITE_MIGRATIONS.map((m) => m.id).sort((a, b) => a - b));
    expect(await raw.get<{ journal_mode: string }>('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
    await raw.close();
    store = await openSqliteStore({ path: dbPath });
  });

  it('migration 60 keeps events stored whole readable, unchanged', async () => {
    const legacyPath = path.join(dir, 'legacy.sqlite');
    const db = await SqliteWorkerDatabase.open(legacyPath);
    await migrate(db, SQLITE_MIGRATIONS.filter((m) => m.id < 60));
    const events = legacyEvents(agentId);
    for (const event of events) {
      const row = legacyEventRow(event, 'default');
      await db.run(`INSERT INTO events (${row.columns.join(', ')}) VALUES (${row.values.map(() => '?').join(', ')})`, row.values);
    }
    await db.close();
    const migrated = await openSqliteStore({ path: legacyPath });
    try {
      expect((await migrated.events.query({ limit: 10 })).map((r) => r.event)).toEqual([...events].reverse());
      expect((await migrated.triage.findEvent(agentId, 1))?.event.occurredAt).toBe('2026-03-02T09:30:00+08:00');
    } finally {
      await migrated.close();
    }
  });

  it('migration 69 gives agents stored before it the table facts the console writes', async () => {
    const legacyPath = path.join(dir, 'legacy-agents.sqlite');
    const db = await SqliteWorkerDatabase.open(legacyPath);
    await migrate(db, SQLITE_MIGRATIONS.filter((m) => m.id < 69));
    await db.run("INSERT INTO groups (id, name, policy_id, built_in, created_at) VALUES ('default', 'default', NULL, 1, '2026-01-01T00:00:00.000Z')");
    const agents = legacyAgents();
    for (const agent of agents) {
      const insert = legacyAgentInsert(agent);
      await db.run(insert.sql, insert.values);
    }
    await db.close();
    const migrated = await openSqliteStore({ path: legacyPath });
    await migrated.close();
    const raw = await SqliteWorkerDatabase.open(legacyPath);
    try {
      expect(await raw.all(FACTS_SQL)).toEqual(expectedFacts(agents));
    } finally {
      await raw.close();
    }
  });

  // Behaviour shared with PostgreSQL (ingest, paging, filters, serials, …) is in ../suite.
});
