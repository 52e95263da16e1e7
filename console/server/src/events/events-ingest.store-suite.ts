import type { EventAction, EventType, StoredEvent } from '@dlp/shared';
import { GroupCommit } from './group-commit';
import type { BucketCount } from '../store/event-search-store';
import type { ConsoleStore } from '../store/store';
import type { StoreSuite } from '../store/suite/store-suite';
import { addAgent, addGroup, isoAt, storedEvent } from '../store/suite/suite-fixtures';

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
 * Every character a text format or the NUL encoding could get wrong: COPY's delimiter, row ends
 * and escape character, the text of COPY's NULL and end-of-data markers, NUL and the private-use
 * character that encodes it (also right before a "0", what an encoded NUL looks like), CJK, emoji.
 */
const AWKWARD = 'tab\t nl\n cr\r\n bs\\ literal \\N and \\. nul\u0000! pua\uE000 lookalike\uE0000 中文 😀';

/** The hourly roll-up equals a count of the raw rows, and so does the daily one for each host. */
async function expectRollupsMatchRows(store: ConsoleStore, hosts: readonly string[], total: number): Promise<void> {
  const range = { fromMs: DAY, toMs: DAY + DAY_MS };
  const hourly = await store.eventSearch.hourlyCounts(range, {});
  expect(byKey(hourly)).toEqual(byKey(await store.eventSearch.rawCounts(range, HOUR_MS, DAY, {})));
  expect(hourly.reduce((n, r) => n + r.count, 0)).toBe(total);
  for (const host of hosts) {
    const entity = { dimension: 'host' as const, key: host };
    expect(byKey(await store.eventSearch.dailyEntityCounts(entity, range))).toEqual(byKey(await store.eventSearch.rawCounts(range, DAY_MS, DAY, { entity })));
  }
}

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
    await expectRollupsMatchRows(store, ['ws-0', 'ws-1', 'ws-2'], total);
  });

  it('reads back every character as ingested, in the event and in the columns reports and search use', async () => {
    const { store } = context;
    const groupId = await addGroup(store, 'default', true);
    const agentId = await addAgent(store, groupId);
    const awkward = (seq: number, kind: 'process' | 'file' | 'device'): StoredEvent => {
      const subject: StoredEvent['subject'] =
        kind === 'process'
          ? { kind, pid: 1, ppid: 1, uid: 0, exePath: `/opt/${AWKWARD}`, name: AWKWARD, method: 'proc-scan' }
          : kind === 'file'
            ? { kind, path: `/home/${AWKWARD}`, matches: { [AWKWARD]: 1 }, samples: [AWKWARD] }
            : { kind, vendorId: '0781', productId: '5567', serial: AWKWARD, vendorName: AWKWARD, interfaces: [8] };
      return { ...event(agentId, seq), user: `user ${AWKWARD}`, host: `host ${AWKWARD}`, ruleId: `rule ${AWKWARD}`, subject };
    };
    // A fresh batch, then a redelivery overlapping it (PostgreSQL: COPY, then its INSERT fallback).
    const fresh = [awkward(1, 'process'), awkward(2, 'file'), awkward(3, 'device')];
    const redelivered = [awkward(3, 'device'), awkward(4, 'process'), awkward(5, 'device')];
    expect(await store.transaction((tx) => tx.events.insertEvents(fresh))).toHaveLength(3);
    expect((await store.transaction((tx) => tx.events.insertEvents(redelivered))).map((k) => k.seq)).toEqual([4, 5]);

    const all = [...fresh, ...redelivered.slice(1)];
    expect((await store.events.query({ limit: 10 })).map((r) => r.event)).toEqual([...all].reverse());
    // The extracted columns: filters match them exactly, and roll-up keys come back unchanged.
    const seqsOf = async (filter: { user?: string; host?: string; ruleId?: string; text?: string }): Promise<number[]> =>
      (await store.eventSearch.search({ ...filter, limit: 10 })).map((r) => r.event.seq).sort();
    expect(await seqsOf({ user: `user ${AWKWARD}` })).toEqual([1, 2, 3, 4, 5]);
    expect(await seqsOf({ host: `host ${AWKWARD}` })).toEqual([1, 2, 3, 4, 5]);
    expect(await seqsOf({ ruleId: `rule ${AWKWARD}` })).toEqual([1, 2, 3, 4, 5]);
    expect(await seqsOf({ text: `/opt/${AWKWARD}`.toLowerCase() })).toEqual([1, 4]);
    const day = { rollupDays: { fromMs: DAY, toMs: DAY + DAY_MS }, raw: [] };
    expect(await store.eventSearch.top('user', day, {}, 10)).toEqual([{ key: `user ${AWKWARD}`, count: 5 }]);
    expect(await store.eventSearch.top('app', day, {}, 10)).toEqual([{ key: `/opt/${AWKWARD}`, count: 2 }]);
    expect(await store.eventSearch.top('device', day, {}, 10)).toEqual([{ key: `0781:5567:${AWKWARD}`, count: 2 }]);
    await expectRollupsMatchRows(store, [`host ${AWKWARD}`], 5);
  });

  it("reads back the agent's own timestamp text, and hashes and paths kept in columns, on every read path", async () => {
    const { store } = context;
    const agentId = await addAgent(store, await addGroup(store, 'default', true));
    const hash = 'b'.repeat(64);
    const events: StoredEvent[] = [
      // An offset and a precision other than the canonical UTC milliseconds: kept as written.
      storedEvent(agentId, 1, { occurredAt: '2026-03-02T09:30:00+08:00', policySerial: null }),
      storedEvent(agentId, 2, { occurredAt: '2026-03-02T01:30:00.123456Z' }),
      storedEvent(agentId, 3, { occurredAt: isoAt(DAY + 5000), subject: { kind: 'process', pid: 7, exePath: '/usr/bin/scp', name: 'scp', method: 'fanotify' } }),
      storedEvent(agentId, 4, { occurredAt: isoAt(DAY + 6000), subject: { kind: 'file', path: '/home/a/客户.xlsx', sha256: hash, matches: { 'cn-id': 3 }, samples: ['110101********1234'] } }),
      storedEvent(agentId, 5, { occurredAt: isoAt(DAY + 7000), subject: { kind: 'gap', dropped: 3, fromSeq: 1, toSeq: 3 }, ruleId: null, user: null }),
    ];
    await store.transaction((tx) => tx.events.insertEvents(events));
    const newestFirst = [...events].reverse();
    expect((await store.events.query({ limit: 10 })).map((r) => r.event)).toEqual(newestFirst);
    const found = await store.eventSearch.search({ limit: 10 });
    expect(found.map((r) => r.event).sort((x, y) => x.seq - y.seq)).toEqual(events);
    expect(found.find((r) => r.event.seq === 1)?.occurredAtMs).toBe(Date.parse('2026-03-02T09:30:00+08:00'));
    for (const e of events) expect((await store.triage.findEvent(agentId, e.seq))?.event).toEqual(e);
    // Exact text, not only an equal instant: evidence shows what the agent wrote.
    expect((await store.events.query({ limit: 10 })).map((r) => r.event.occurredAt).slice(3)).toEqual(['2026-03-02T01:30:00.123456Z', '2026-03-02T09:30:00+08:00']);
  });

  it('stores an event at its placedAt (search, order, roll-ups) and gives back both times', async () => {
    const { store } = context;
    const agentId = await addAgent(store, await addGroup(store, 'default', true));
    // A day ahead, corrected by the console; and one dated 2099, placed at its receive time.
    const corrected = storedEvent(agentId, 1, { occurredAt: isoAt(DAY + DAY_MS + HOUR_MS), placedAt: isoAt(DAY + HOUR_MS), receivedAt: isoAt(DAY + HOUR_MS + 1000) });
    const future = storedEvent(agentId, 2, { occurredAt: '2099-01-01T00:00:00.000Z', placedAt: isoAt(DAY + 2 * HOUR_MS), receivedAt: isoAt(DAY + 2 * HOUR_MS) });
    const onTime = storedEvent(agentId, 3, { occurredAt: isoAt(DAY + 30 * 60_000) });
    await store.transaction((tx) => tx.events.insertEvents([corrected, future, onTime]));
    // Newest first by placed time: the 2099 event is where it arrived, not on top of everything.
    const rows = await store.eventSearch.search({ fromMs: DAY, toMs: DAY + DAY_MS, limit: 10 });
    expect(rows.map((r) => r.event)).toEqual([future, corrected, onTime]);
    expect(rows.map((r) => r.occurredAtMs)).toEqual([DAY + 2 * HOUR_MS, DAY + HOUR_MS, DAY + 30 * 60_000]);
    expect(rows[2]?.event.placedAt).toBeUndefined();
    expect(await store.eventSearch.search({ fromMs: DAY + DAY_MS, limit: 10 })).toEqual([]);
    expect((await store.events.query({ limit: 10 })).map((r) => r.event.seq)).toEqual([3, 2, 1]);
    const hours = await store.eventSearch.hourlyCounts({ fromMs: DAY, toMs: DAY + 2 * DAY_MS }, {});
    expect(hours.map((h) => [h.startMs, h.count]).sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0))).toEqual([[DAY, 1], [DAY + HOUR_MS, 1], [DAY + 2 * HOUR_MS, 1]]);
  });

  it('reports only the new events of a partly stored redelivery and counts each once', async () => {
    const { store } = context;
    const groupId = await addGroup(store, 'default', true);
    const agentId = await addAgent(store, groupId);
    const first = batchOf(agentId, 1, 60);
    expect(await store.transaction((tx) => tx.events.insertEvents(first))).toHaveLength(60);
    // Its last 20 again, then 40 new ones; then the same batch once more (nothing new).
    const redelivered = [...first.slice(40), ...batchOf(agentId, 61, 40)];
    expect(await store.transaction((tx) => tx.events.insertEvents(redelivered))).toEqual(Array.from({ length: 40 }, (_, i) => ({ agentId, seq: 61 + i })));
    expect(await store.transaction((tx) => tx.events.insertEvents(redelivered))).toEqual([]);
    // Ingest order is batch order: the new rows follow the first batch.
    expect((await store.events.query({ limit: 200 })).map((r) => r.event.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 100 - i));
    await expectRollupsMatchRows(store, ['ws-0', 'ws-1', 'ws-2'], 100);
  });

  it('stores and counts once an event a batch carries twice, keeping the batch order', async () => {
    const { store } = context;
    const groupId = await addGroup(store, 'default', true);
    const agentId = await addAgent(store, groupId);
    const [a, b, c] = [event(agentId, 9), event(agentId, 3), event(agentId, 5)];
    // The second seq 3 is another delivery of it (its own id): the first one is kept.
    const stored = await store.transaction((tx) => tx.events.insertEvents([a, b, event(agentId, 3), c]));
    expect(stored).toEqual([9, 3, 5].map((seq) => ({ agentId, seq })));
    expect((await store.events.query({ limit: 10 })).map((r) => r.event)).toEqual([c, b, a]);
    await expectRollupsMatchRows(store, ['ws-0', 'ws-1', 'ws-2'], 3);
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
        await tx.agents.advanceAckedSeqs(new Map([[agentId, { upTo: 50, ifAckedAtLeast: 0 }]]), seenAt);
      }),
      store.transaction((tx) => tx.agents.advanceAckedSeqs(new Map([[agentId, { upTo: 100, ifAckedAtLeast: 0 }]]), seenAt)),
    ]);
    expect((await store.agents.findById(agentId))?.ackedSeq).toBe(100);
    expect(await store.events.query({ limit: 200 })).toHaveLength(50);
  });
};
