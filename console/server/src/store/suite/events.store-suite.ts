import { uuidv7 } from '@dlp/shared';
import type { ConsoleStore } from '../store';
import type { StoreSuite } from './store-suite';
import { seedAgent, storedEvent } from './suite-fixtures';

/** Event ingest (idempotent on agent + seq, atomic with the acked seq) and keyset queries. */
export const eventsStoreSuite: StoreSuite = (context) => {
  let agentId = '';
  beforeEach(async () => {
    ({ agentId } = await seedAgent(context.store));
  });

  it('stores a batch once however often it is delivered', async () => {
    const { store } = context;
    const batch = Array.from({ length: 250 }, (_, i) => storedEvent(agentId, i + 1));
    const first = await store.transaction((tx) => tx.events.insertEvents(batch));
    expect(first).toHaveLength(250);

    const overlapping = [...batch.slice(200), ...Array.from({ length: 10 }, (_, i) => storedEvent(agentId, 251 + i))];
    const second = await store.transaction((tx) => tx.events.insertEvents(overlapping));
    expect(second).toEqual(Array.from({ length: 10 }, (_, i) => ({ agentId, seq: 251 + i })));

    const all = await store.events.query({ limit: 1000 });
    expect(all).toHaveLength(260);
    expect(new Set(all.map((r) => r.event.seq)).size).toBe(260);
  });

  it('stores one copy when a batch carries the same event twice, and keeps each agent\'s seqs apart', async () => {
    const { store } = context;
    const other = uuidv7();
    const inserted = await store.events.insertEvents([storedEvent(agentId, 1), storedEvent(agentId, 1), storedEvent(other, 1)]);
    expect(inserted).toHaveLength(2);
    expect(new Set(inserted.map((k) => k.agentId))).toEqual(new Set([agentId, other]));
    expect(await store.events.insertEvents([])).toEqual([]);
  });

  it('keeps the stored event exactly as ingested', async () => {
    const { store } = context;
    const event = storedEvent(agentId, 7, { user: '张三', host: '主机-01', occurredAt: '2026-03-04T05:06:07.089Z' });
    await store.events.insertEvents([event]);
    const [row] = await store.events.query({ limit: 1 });
    expect(row?.event).toEqual(event);
  });

  it('a failed transaction leaves neither events nor acked seq behind', async () => {
    const { store } = context;
    await expect(
      store.transaction(async (tx) => {
        await tx.events.insertEvents([storedEvent(agentId, 1)]);
        await tx.agents.advanceAckedSeqs(new Map([[agentId, { upTo: 1, ifAckedAtLeast: 0 }]]), new Date().toISOString());
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.events.query({ limit: 10 })).toEqual([]);
    expect((await store.agents.findById(agentId))?.ackedSeq).toBe(0);
  });

  it('pages newest first by ingest order, unaffected by rows ingested between pages', async () => {
    const { store } = context;
    await store.events.insertEvents(Array.from({ length: 5 }, (_, i) => storedEvent(agentId, i + 1)));
    const page1 = await store.events.query({ limit: 2 });
    expect(page1.map((r) => r.event.seq)).toEqual([5, 4]);

    // New events arrive between page requests: the next page continues where the first stopped.
    await store.events.insertEvents([storedEvent(agentId, 6)]);
    const last = page1[page1.length - 1];
    const page2 = await store.events.query({ limit: 2, beforeRowId: last?.rowId ?? 0 });
    expect(page2.map((r) => r.event.seq)).toEqual([3, 2]);
    expect(typeof last?.rowId).toBe('number');
  });

  it('filters on the extracted columns', async () => {
    const { store } = context;
    await store.events.insertEvents([
      storedEvent(agentId, 1, { type: 'usb', action: 'blocked', severity: 'high', occurredAt: '2026-01-01T00:00:00.000Z' }),
      storedEvent(agentId, 2, { type: 'app', action: 'would-block', severity: 'low', occurredAt: '2026-01-02T00:00:00.000+08:00' }),
      storedEvent(agentId, 3, { type: 'app', action: 'blocked', severity: 'high', occurredAt: '2026-01-03T00:00:00.000Z' }),
    ]);
    const seqs = async (filter: Parameters<ConsoleStore['events']['query']>[0]): Promise<number[]> =>
      (await store.events.query(filter)).map((r) => r.event.seq);
    expect(await seqs({ limit: 10, type: 'app' })).toEqual([3, 2]);
    expect(await seqs({ limit: 10, action: 'blocked', severity: 'high' })).toEqual([3, 1]);
    // The +08:00 timestamp is 2026-01-01T16:00Z: compared as an instant, not as text.
    expect(await seqs({ limit: 10, fromMs: Date.parse('2026-01-01T12:00:00Z'), toMs: Date.parse('2026-01-02T00:00:00Z') })).toEqual([2]);
    expect(await seqs({ limit: 10, agentId: uuidv7() })).toEqual([]);
    expect(await seqs({ limit: 1, agentId })).toEqual([3]);
  });
};
