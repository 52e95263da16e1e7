import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sampleEvent, uuidv7, type StoredEvent } from '@dlp/shared';
import { SqliteDatabase } from '@dlp/shared/node';
import type { ConsoleStore } from '../store';
import { CONSOLE_MIGRATIONS } from './migrations';
import { LIFECYCLE_MIGRATIONS } from './lifecycle-migrations';
import { openSqliteStore } from './sqlite-store';

const AGENT_INFO = { hostname: 'ws-1', os: 'linux', osVersion: '12', agentVersion: '0.1.0', user: null } as const;

function stored(agentId: string, seq: number, overrides: Partial<StoredEvent> = {}): StoredEvent {
  return { ...sampleEvent({ seq }), agentId, receivedAt: new Date().toISOString(), ...overrides };
}

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

    const raw = await SqliteDatabase.open(dbPath);
    const applied = await raw.all<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(applied.map((r) => r.id)).toEqual([...CONSOLE_MIGRATIONS, ...LIFECYCLE_MIGRATIONS].map((m) => m.id));
    expect(await raw.get<{ journal_mode: string }>('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
    await raw.close();
    store = await openSqliteStore({ path: dbPath });
  });

  it('stores a batch once however often it is delivered', async () => {
    const batch = Array.from({ length: 250 }, (_, i) => stored(agentId, i + 1));
    const first = await store.transaction((tx) => tx.events.insertEvents(batch));
    expect(first).toHaveLength(250);

    const overlapping = [...batch.slice(200), ...Array.from({ length: 10 }, (_, i) => stored(agentId, 251 + i))];
    const second = await store.transaction((tx) => tx.events.insertEvents(overlapping));
    expect(second).toEqual(Array.from({ length: 10 }, (_, i) => ({ agentId, seq: 251 + i })));

    const all = await store.events.query({ limit: 1000 });
    expect(all).toHaveLength(260);
    expect(new Set(all.map((r) => r.event.seq)).size).toBe(260);
  });

  it('a failed transaction leaves neither events nor acked seq behind', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.events.insertEvents([stored(agentId, 1)]);
        await tx.agents.advanceAckedSeqs(new Map([[agentId, 1]]), new Date().toISOString());
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.events.query({ limit: 10 })).toEqual([]);
    expect((await store.agents.findById(agentId))?.ackedSeq).toBe(0);
  });

  it('pages newest first by ingest order, unaffected by rows ingested between pages', async () => {
    await store.events.insertEvents(Array.from({ length: 5 }, (_, i) => stored(agentId, i + 1)));
    const page1 = await store.events.query({ limit: 2 });
    expect(page1.map((r) => r.event.seq)).toEqual([5, 4]);

    // New events arrive between page requests: the next page continues where the first stopped.
    await store.events.insertEvents([stored(agentId, 6)]);
    const last = page1[page1.length - 1];
    const page2 = await store.events.query({ limit: 2, beforeRowId: last?.rowId ?? 0 });
    expect(page2.map((r) => r.event.seq)).toEqual([3, 2]);
  });

  it('filters on the extracted columns', async () => {
    await store.events.insertEvents([
      stored(agentId, 1, { type: 'usb', action: 'blocked', severity: 'high', occurredAt: '2026-01-01T00:00:00.000Z' }),
      stored(agentId, 2, { type: 'app', action: 'would-block', severity: 'low', occurredAt: '2026-01-02T00:00:00.000+08:00' }),
      stored(agentId, 3, { type: 'app', action: 'blocked', severity: 'high', occurredAt: '2026-01-03T00:00:00.000Z' }),
    ]);
    const seqs = async (filter: Parameters<ConsoleStore['events']['query']>[0]): Promise<number[]> =>
      (await store.events.query(filter)).map((r) => r.event.seq);
    expect(await seqs({ limit: 10, type: 'app' })).toEqual([3, 2]);
    expect(await seqs({ limit: 10, action: 'blocked', severity: 'high' })).toEqual([3, 1]);
    // The +08:00 timestamp is 2026-01-01T16:00Z: compared as an instant, not as text.
    expect(await seqs({ limit: 10, fromMs: Date.parse('2026-01-01T12:00:00Z'), toMs: Date.parse('2026-01-02T00:00:00Z') })).toEqual([2]);
    expect(await seqs({ limit: 10, agentId: uuidv7() })).toEqual([]);
  });

  it('hands out strictly increasing policy serials', async () => {
    expect(await store.policies.latestSerial()).toBe(0);
    const a = await store.transaction((tx) => tx.policies.allocateSerial());
    const b = await store.transaction((tx) => tx.policies.allocateSerial());
    expect([a, b]).toEqual([1, 2]);
    expect(await store.policies.latestSerial()).toBe(2);
  });
});
