import type { EventAction, EventType, StoredEvent } from '@dlp/shared';
import { GroupCommit } from '../../services/group-commit';
import type { BucketCount } from '../event-search-store';
import type { StoreSuite } from './store-suite';
import { addAgent, addGroup, isoAt, storedEvent } from './suite-fixtures';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A UTC day start; the events spread over its first hours. */
const DAY = Date.UTC(2026, 2, 2);
const BATCH = 100;
const BATCHES = 4;

/** Varied values so one commit upserts many roll-up rows, shared between concurrent commits. */
function event(agentId: string, seq: number): StoredEvent {
  const types: EventType[] = ['app', 'usb', 'content'];
  const actions: EventAction[] = ['blocked', 'would-block', 'allowed'];
  return storedEvent(agentId, seq, {
    occurredAt: isoAt(DAY + (seq % 3) * HOUR_MS + seq * 1000),
    type: types[seq % 3] ?? 'app',
    action: actions[seq % 2] ?? 'blocked',
    user: seq % 5 === 0 ? null : `user-${seq % 4}`,
    host: `ws-${seq % 3}`,
  });
}

function batchOf(agentId: string, fromSeq: number, count: number): StoredEvent[] {
  return Array.from({ length: count }, (_, i) => event(agentId, fromSeq + i));
}

const byKey = (rows: BucketCount[]): string[] => rows.map((r) => `${r.startMs}|${r.type}|${r.action}|${r.count}`).sort();

/**
 * Ingest through the group commit with as many transactions in flight as the store allows (two on
 * PostgreSQL): racing batches and redeliveries are stored once, roll-ups stay exact, acked seqs
 * never move backwards.
 */
export const eventsIngestSuite: StoreSuite = (context) => {
  it('commits racing batches of many agents exactly once, with exact roll-ups and acked seqs', async () => {
    const { store } = context;
    const groupId = await addGroup(store, 'default', true);
    const agents: string[] = [];
    for (let i = 0; i < 6; i++) agents.push(await addAgent(store, groupId, { hostname: `ws-${i}` }));
    const commit = new GroupCommit(store);
    const seenAt = new Date().toISOString();
    const writes: Array<Promise<StoredEvent[]>> = [];
    for (let b = 0; b < BATCHES; b++) {
      for (const agentId of agents) writes.push(commit.write(agentId, batchOf(agentId, b * BATCH + 1, BATCH), (b + 1) * BATCH, seenAt));
      // A replaced connection of agent 0 redelivering its previous batch late (a lower upTo).
      const agent0 = agents[0] ?? '';
      if (b > 0) writes.push(commit.write(agent0, batchOf(agent0, (b - 1) * BATCH + 1, BATCH), b * BATCH, seenAt));
    }
    const results = await Promise.all(writes);

    const total = agents.length * BATCHES * BATCH;
    // Every event reported stored once, however many deliveries raced.
    expect(results.reduce((n, stored) => n + stored.length, 0)).toBe(total);
    const rows = await store.events.query({ limit: total + 10 });
    expect(rows).toHaveLength(total);
    for (const agentId of agents) expect((await store.agents.findById(agentId))?.ackedSeq).toBe(BATCHES * BATCH);

    // The roll-ups count exactly the stored rows: hourly by type and action, daily per host.
    const range = { fromMs: DAY, toMs: DAY + DAY_MS };
    const hourly = await store.eventSearch.hourlyCounts(range, {});
    expect(byKey(hourly)).toEqual(byKey(await store.eventSearch.rawCounts(range, HOUR_MS, DAY, {})));
    expect(hourly.reduce((n, r) => n + r.count, 0)).toBe(total);
    for (const host of ['ws-0', 'ws-1', 'ws-2']) {
      const entity = { dimension: 'host' as const, key: host };
      expect(byKey(await store.eventSearch.dailyEntityCounts(entity, range))).toEqual(byKey(await store.eventSearch.rawCounts(range, DAY_MS, DAY, { entity })));
    }
  });

  it('never moves an acked seq backwards when an older batch of the agent commits last', async () => {
    const { store } = context;
    const groupId = await addGroup(store, 'default', true);
    const agentId = await addAgent(store, groupId);
    const seenAt = new Date().toISOString();
    // Two transactions at once (PostgreSQL runs them concurrently): the newer batch's ack commits
    // while the older batch's transaction is still open.
    await Promise.all([
      store.transaction(async (tx) => {
        await tx.events.insertEvents(batchOf(agentId, 1, 50));
        await new Promise((resolve) => setTimeout(resolve, 100));
        await tx.agents.advanceAckedSeqs(new Map([[agentId, 50]]), seenAt);
      }),
      store.transaction((tx) => tx.agents.advanceAckedSeqs(new Map([[agentId, 100]]), seenAt)),
    ]);
    expect((await store.agents.findById(agentId))?.ackedSeq).toBe(100);
    expect(await store.events.query({ limit: 200 })).toHaveLength(50);
  });
};
