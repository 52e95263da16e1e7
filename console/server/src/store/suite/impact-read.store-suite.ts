import type { EventSubject, StoredEvent } from '@dlp/shared';
import type { ImpactSubjectSet } from '../impact-read-store';
import type { StoreSuite } from './store-suite';
import { addAgent, seedAgent, storedEvent } from './suite-fixtures';

const MINUTE = 60_000;

/** The impact preview's grouped reads: sets of identical events, their newest rows, the budget's cut. */
export const impactReadStoreSuite: StoreSuite = (context) => {
  let groupId = '';
  let agentId = '';
  let otherAgentId = '';
  const nowMs = Date.parse('2026-05-01T12:00:00.000Z');
  const range = { fromMs: nowMs - 60 * MINUTE, toMs: nowMs };
  const at = (minutesAgo: number): string => new Date(nowMs - minutesAgo * MINUTE).toISOString();
  // A name (and below a stick's product) with a NUL and CJK: neither engine may change them on the
  // way (PostgreSQL's text and its JSON functions cannot hold one).
  const oddName = 'nul\u0000 工具';

  function run(seq: number, minutesAgo: number, overrides: Partial<StoredEvent> = {}): StoredEvent {
    return storedEvent(agentId, seq, { occurredAt: at(minutesAgo), ...overrides });
  }

  const stick: Extract<EventSubject, { kind: 'device' }> = { kind: 'device', port: '1-2', vendorId: '090c', productId: '1000', serial: 'S9', interfaces: [8], productName: '闪存\u0000盘', outcome: 'inserted' };

  beforeEach(async () => {
    ({ groupId, agentId } = await seedAgent(context.store));
    otherAgentId = await addAgent(context.store, groupId, { hostname: 'ws-2' });
  });

  async function sets(oldest?: { occurredAtMs: number; rowId: number }): Promise<ImpactSubjectSet[]> {
    const found = await context.store.eventSearch.impact.subjectSets({ groupId, ...range, ...(oldest ? { oldest } : {}) });
    return found.sort((a, b) => b.latest.occurredAtMs - a.latest.occurredAtMs || b.latest.rowId - a.latest.rowId);
  }

  it('groups identical app and USB events into sets whose newest row is the search order\'s', async () => {
    const { store } = context;
    await store.events.insertEvents([
      // Five runs of one program by alice, one by bob, and one renamed run: three sets.
      ...[10, 20, 30, 40, 50].map((m, i) => run(i + 1, m)),
      run(6, 15, { user: 'bob' }),
      run(7, 25, { subject: { kind: 'process', pid: 1, exePath: '/tmp/tool', name: oddName, sha256: 'a'.repeat(64), method: 'fanotify' } }),
      // A stick seen twice in one millisecond, inserted then blocked: two sets, the block stored last.
      run(8, 5, { type: 'usb', action: 'info', ruleId: null, subject: stick }),
      run(9, 5, { type: 'usb', action: 'blocked', ruleId: 'old-usb', subject: { ...stick, outcome: 'device-blocked' } }),
      // Neither app nor USB, and outside the range: not read.
      run(10, 1, { type: 'content', subject: { kind: 'file', path: '/home/a/x.csv', matches: { 'cn-id': 1 }, samples: [] } }),
      run(11, 90),
    ]);
    await store.events.insertEvents([storedEvent(otherAgentId, 1, { occurredAt: at(12) })]);
    const found = await sets();
    const newest = await store.eventSearch.search({ groupId, ...range, limit: 100 });
    const rowOf = (agent: string, seq: number) => newest.find((r) => r.event.agentId === agent && r.event.seq === seq)?.rowId;

    expect(found.map((s) => [s.agentId === agentId ? 'a1' : 'a2', s.user, s.type, s.action, s.ruleId, s.events, s.latest.rowId])).toEqual([
      ['a1', 'alice', 'usb', 'blocked', 'old-usb', 1, rowOf(agentId, 9)],
      ['a1', 'alice', 'usb', 'info', null, 1, rowOf(agentId, 8)],
      ['a1', 'alice', 'app', 'blocked', 'block-tool', 5, rowOf(agentId, 1)],
      ['a2', 'alice', 'app', 'blocked', 'block-tool', 1, rowOf(otherAgentId, 1)],
      ['a1', 'bob', 'app', 'blocked', 'block-tool', 1, rowOf(agentId, 6)],
      ['a1', 'alice', 'app', 'blocked', 'block-tool', 1, rowOf(agentId, 7)],
    ]);
    expect(found[0]?.latest.occurredAtMs).toBe(found[1]?.latest.occurredAtMs);
    expect(found[0]?.subject).toEqual({ ...stick, outcome: 'device-blocked' });
    expect(found[2]?.subject).toEqual({ kind: 'process', exePath: '/tmp/tool', name: 'tool', sha256: 'a'.repeat(64) });
    expect(found[5]?.subject).toMatchObject({ kind: 'process', name: oddName });

    const rowIds = found.map((s) => s.latest.rowId);
    const events = await store.eventSearch.impact.eventsByRowId(rowIds);
    expect(rowIds.map((id) => events.get(id)?.seq)).toEqual([9, 8, 1, 1, 6, 7]);
  });

  it('stops at the budget\'s cut: the n-th newest event of the group, any type', async () => {
    const { store } = context;
    await store.events.insertEvents([
      run(1, 10),
      run(2, 20),
      run(3, 30, { type: 'content', subject: { kind: 'file', path: '/home/a/x.csv', matches: { 'cn-id': 1 }, samples: [] } }),
      run(4, 40),
      run(5, 50),
    ]);
    const cut = await store.eventSearch.impact.nthNewest(groupId, range, 4);
    const fourth = (await store.eventSearch.search({ groupId, ...range, limit: 4 }))[3];
    expect(cut).toEqual({ occurredAtMs: fourth?.occurredAtMs, rowId: fourth?.rowId });
    expect((await sets(cut)).map((s) => s.events)).toEqual([3]);
    expect((await sets()).map((s) => s.events)).toEqual([4]);
    expect(await store.eventSearch.impact.nthNewest(groupId, range, 6)).toBeUndefined();
  });
};
