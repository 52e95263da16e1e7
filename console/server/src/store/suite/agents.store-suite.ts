import type { CapabilityReport } from '@dlp/shared';
import type { AckedSeqAdvance } from '../store';
import type { StoreSuite } from './store-suite';
import { AGENT_INFO, addAgent, addGroup } from './suite-fixtures';

const CAPABILITIES: CapabilityReport = {
  apps: { method: 'proc-scan', preExec: false, failMode: 'open' },
  usb: { method: 'sysfs-authorized', mountGuard: true },
  screen: { captureToolBlocking: true, windowCaptureExclusion: false },
  notes: ['window capture exclusion: not available on Linux'],
};

/** An unconditional advance (a connection's first batch). */
const advance = (upTo: number): AckedSeqAdvance => ({ upTo, ifAckedAtLeast: 0 });

/** Agents: identity, reported state, liveness, ingest progress, revocation and listing. */
export const agentsStoreSuite: StoreSuite = (context) => {
  let groupId = '';
  beforeEach(async () => {
    groupId = await addGroup(context.store, 'default', true);
  });

  it('stores the measured clock offset from hello and heartbeats (a year either way fits), and a touch without one keeps it', async () => {
    const { store } = context;
    const id = await addAgent(store, groupId);
    expect((await store.agents.findById(id))?.clock).toBeNull();
    const yearMs = 366 * 24 * 3_600_000;
    await store.agents.recordHello(id, { info: AGENT_INFO, policySerial: null, seenAt: '2026-01-01T00:00:00.000Z', clock: { offsetMs: yearMs, measuredAt: '2026-01-01T00:00:00.000Z' } });
    expect((await store.agents.findById(id))?.clock).toEqual({ offsetMs: yearMs, measuredAt: '2026-01-01T00:00:00.000Z' });
    await store.agents.touch(id, '2026-01-01T00:00:30.000Z', { offsetMs: -yearMs, measuredAt: '2026-01-01T00:00:30.000Z' });
    expect((await store.agents.findById(id))?.clock).toEqual({ offsetMs: -yearMs, measuredAt: '2026-01-01T00:00:30.000Z' });
    await store.agents.touch(id, '2026-01-01T00:01:00.000Z');
    expect(await store.agents.findById(id)).toMatchObject({ lastSeenAt: '2026-01-01T00:01:00.000Z', clock: { offsetMs: -yearMs } });
    // Alert scans find agents off by at least a threshold, either way.
    expect((await store.alerts.listSkewedAgents(yearMs)).map((a) => [a.id, a.offsetMs])).toEqual([[id, -yearMs]]);
    expect(await store.alerts.listSkewedAgents(yearMs + 1)).toEqual([]);
  });

  it('starts an agent offline with nothing reported, then records hello, receipts and capabilities', async () => {
    const { store } = context;
    const id = await addAgent(store, groupId);
    expect(await store.agents.findById(id)).toMatchObject({ id, groupId, online: false, lastSeenAt: null, policySerial: null, capabilities: null, ackedSeq: 0, lastReceipt: null });

    const info = { ...AGENT_INFO, hostname: 'ws-renamed', user: 'alice' };
    await store.agents.recordHello(id, { info, policySerial: 3, capabilities: CAPABILITIES, seenAt: '2026-01-01T00:00:00.000Z' });
    expect(await store.agents.findById(id)).toMatchObject({ info, online: true, policySerial: 3, capabilities: CAPABILITIES, lastSeenAt: '2026-01-01T00:00:00.000Z' });

    // A rejected receipt leaves the enforced serial alone; an applied one moves it.
    await store.agents.recordPolicyReceipt(id, { serial: 5, hash: 'h5', status: 'rejected', error: 'bad signature', receivedAt: '2026-01-01T00:01:00.000Z' });
    expect(await store.agents.findById(id)).toMatchObject({ policySerial: 3, lastReceipt: { serial: 5, status: 'rejected', error: 'bad signature' } });
    await store.agents.recordPolicyReceipt(id, { serial: 6, hash: 'h6', status: 'applied', error: null, receivedAt: '2026-01-01T00:02:00.000Z' });
    expect(await store.agents.findById(id)).toMatchObject({ policySerial: 6, lastSeenAt: '2026-01-01T00:02:00.000Z', lastReceipt: { serial: 6, hash: 'h6', status: 'applied' } });

    await store.agents.touch(id, '2026-01-01T00:03:00.000Z');
    await store.agents.recordCapabilities(id, CAPABILITIES, '2026-01-01T00:04:00.000Z');
    expect((await store.agents.findById(id))?.lastSeenAt).toBe('2026-01-01T00:04:00.000Z');
    // A hello without capabilities keeps the last report.
    await store.agents.recordHello(id, { info, policySerial: 6, seenAt: '2026-01-01T00:05:00.000Z' });
    expect((await store.agents.findById(id))?.capabilities).toEqual(CAPABILITIES);
  });

  it('goes offline alone or with everyone at start-up', async () => {
    const { store } = context;
    const [a, b] = [await addAgent(store, groupId), await addAgent(store, groupId)];
    for (const id of [a, b]) await store.agents.recordHello(id, { info: AGENT_INFO, policySerial: null, seenAt: new Date().toISOString() });
    await store.agents.setOffline(a);
    expect((await store.agents.list({ online: true, limit: 10 })).map((x) => x.id)).toEqual([b]);
    await store.agents.setAllOffline();
    expect(await store.agents.list({ online: true, limit: 10 })).toEqual([]);
  });

  it('only ever moves the acked seq forward, for many agents in one call', async () => {
    const { store } = context;
    const [a, b] = [await addAgent(store, groupId), await addAgent(store, groupId)];
    await store.agents.advanceAckedSeqs(new Map([[a, advance(10)], [b, advance(3)]]), '2026-01-01T00:00:00.000Z');
    await store.agents.advanceAckedSeqs(new Map([[a, advance(7)], [b, advance(4)]]), '2026-01-01T00:00:01.000Z');
    await store.agents.advanceAckedSeqs(new Map(), '2026-01-01T00:00:02.000Z');
    expect(await store.agents.findById(a)).toMatchObject({ ackedSeq: 10, lastSeenAt: '2026-01-01T00:00:01.000Z' });
    expect((await store.agents.findById(b))?.ackedSeq).toBe(4);
  });

  it('moves the acked seq only past a predecessor that is already acked', async () => {
    const { store } = context;
    const [a, b] = [await addAgent(store, groupId), await addAgent(store, groupId)];
    await store.agents.advanceAckedSeqs(new Map([[a, advance(500)], [b, advance(500)]]), '2026-01-01T00:00:00.000Z');
    // a: the batch before (…1000) committed; b: it did not (acked is still 500), so b stays.
    await store.agents.advanceAckedSeqs(
      new Map([
        [a, { upTo: 1500, ifAckedAtLeast: 500 }],
        [b, { upTo: 1500, ifAckedAtLeast: 1000 }],
      ]),
      '2026-01-01T00:00:01.000Z',
    );
    expect((await store.agents.findById(a))?.ackedSeq).toBe(1500);
    expect((await store.agents.findById(b))?.ackedSeq).toBe(500);
  });

  it('filters, searches and pages the agent list in enrollment order', async () => {
    const { store } = context;
    const other = await addGroup(store, 'lab');
    const ids = [
      await addAgent(store, groupId, { hostname: 'FIN-PC-01', user: 'wang' }),
      await addAgent(store, other, { hostname: 'lab-02', user: 'li_ming' }),
      await addAgent(store, groupId, { hostname: 'fin-pc-03', user: null }),
    ];
    const list = async (filter: Omit<Parameters<typeof store.agents.list>[0], 'limit'>, limit = 10): Promise<string[]> =>
      (await store.agents.list({ ...filter, limit })).map((x) => x.id);
    // UUIDv7s made within one millisecond need not sort in creation order: compare sorted.
    const sorted = (...xs: Array<string | undefined>): Array<string | undefined> => [...xs].sort();
    const all = sorted(...ids);
    expect(await list({})).toEqual(all);
    expect(await list({ groupId: other })).toEqual([ids[1]]);
    expect(await list({ search: 'fin-pc' })).toEqual(sorted(ids[0], ids[2]));
    expect(await list({ search: 'WANG' })).toEqual([ids[0]]);
    // Wildcards in the search text match literally.
    expect(await list({ search: 'i_m' })).toEqual([ids[1]]);
    expect(await list({ search: '%' })).toEqual([]);
    expect(await list({}, 2)).toEqual(all.slice(0, 2));
    expect(await list({ afterId: all[1] as string })).toEqual([all[2]]);
    await store.agents.revoke(ids[0] as string, new Date().toISOString());
    expect(await list({ activeOnly: true })).toEqual(sorted(ids[1], ids[2]));
  });

  it('keeps any character an agent reports, NUL included, and still searches', async () => {
    const { store } = context;
    const id = await addAgent(store, groupId, { hostname: 'nul-host', user: 'a\u0000b\uE000c' });
    await addAgent(store, groupId, { hostname: 'other', user: 'x' });
    expect((await store.agents.findById(id))?.info.user).toBe('a\u0000b\uE000c');
    expect((await store.agents.list({ search: 'nul-', limit: 10 })).map((a) => a.id)).toEqual([id]);
  });

  it('revokes once, moves between groups, and deletes', async () => {
    const { store } = context;
    const id = await addAgent(store, groupId);
    await store.agents.recordHello(id, { info: AGENT_INFO, policySerial: null, seenAt: new Date().toISOString() });
    expect(await store.agents.revoke(id, '2026-02-01T00:00:00.000Z')).toBe(true);
    expect(await store.agents.revoke(id, '2026-02-02T00:00:00.000Z')).toBe(false);
    expect(await store.agents.findById(id)).toMatchObject({ revokedAt: '2026-02-01T00:00:00.000Z', online: false });
    const lab = await addGroup(store, 'lab');
    expect((await store.agents.findById(id))?.groupSerial).toBe(1);
    expect(await store.agents.setGroup(id, lab)).toBe(true);
    // Every move counts: the serial of the signed group assignment (anti-rollback on the agent).
    expect(await store.agents.findById(id)).toMatchObject({ groupId: lab, groupSerial: 2 });
    expect(await store.agents.setGroup(id, groupId)).toBe(true);
    expect(await store.agents.findById(id)).toMatchObject({ groupId, groupSerial: 3 });
    expect(await store.agents.setGroup('nope', lab)).toBe(false);
    expect(await store.agents.delete(id)).toBe(true);
    expect(await store.agents.delete(id)).toBe(false);
    expect(await store.agents.findById(id)).toBeUndefined();
  });
};
