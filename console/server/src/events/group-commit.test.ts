import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sampleEvent, uuidv7, type StoredEvent } from '@dlp/shared';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import type { ConsoleStore } from '../store/store';
import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  let dir: string;
  let store: ConsoleStore;
  const agents: string[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-group-commit-'));
    store = await openSqliteStore({ path: path.join(dir, 'console.sqlite') });
    await store.groups.insert({ id: 'default', name: 'default', policyId: null, builtIn: true, createdAt: new Date().toISOString() });
    agents.length = 0;
    for (let i = 0; i < 4; i++) {
      const id = uuidv7();
      agents.push(id);
      await store.agents.insert({ id, tokenHash: 'ab'.repeat(32), groupId: 'default', info: { hostname: `ws-${i}`, os: 'linux', osVersion: '', agentVersion: '', user: null }, enrolledAt: new Date().toISOString(), enrollSecretId: 'x' });
    }
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const batch = (agentId: string, fromSeq: number, count: number): StoredEvent[] =>
    Array.from({ length: count }, (_, i) => ({ ...sampleEvent({ seq: fromSeq + i }), agentId, receivedAt: new Date().toISOString() }));

  it('commits concurrent batches of many agents, each once, and advances every acked seq', async () => {
    const commit = new GroupCommit(store);
    const writes = agents.flatMap((agentId) => [commit.write(agentId, batch(agentId, 1, 300), 300, new Date().toISOString())]);
    // A redelivery of agent 0's events racing the original, plus new ones.
    const agent0 = agents[0] ?? '';
    writes.push(commit.write(agent0, batch(agent0, 251, 100), 350, new Date().toISOString()));
    const results = await Promise.all(writes);

    expect(results.slice(0, 4).map((stored) => stored.length)).toEqual([300, 300, 300, 300]);
    expect(results[4]?.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 301 + i));
    const rows = await store.events.query({ limit: 2000 });
    expect(rows).toHaveLength(1250);
    for (const agentId of agents) expect((await store.agents.findById(agentId))?.ackedSeq).toBe(agentId === agent0 ? 350 : 300);
  });

  it('fails only the batch that cannot be stored', async () => {
    const commit = new GroupCommit(store);
    const broken = batch(agents[1] ?? '', 1, 3);
    // A NOT NULL column left empty: the database refuses the whole statement.
    (broken[1] as { severity: unknown }).severity = null;
    const good = commit.write(agents[0] ?? '', batch(agents[0] ?? '', 1, 3), 3, new Date().toISOString());
    const bad = commit.write(agents[1] ?? '', broken, 3, new Date().toISOString());
    const alsoGood = commit.write(agents[2] ?? '', batch(agents[2] ?? '', 1, 3), 3, new Date().toISOString());
    await expect(bad).rejects.toThrow(/NOT NULL/);
    expect((await good).length).toBe(3);
    expect((await alsoGood).length).toBe(3);
    expect((await store.agents.findById(agents[1] ?? ''))?.ackedSeq).toBe(0);
    expect(await store.events.query({ limit: 10, agentId: agents[1] ?? '' })).toEqual([]);
  });
});
