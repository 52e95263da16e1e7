import type { SqliteDatabase } from '@dlp/shared/node';
import { FakeHostInfo } from '../platform/fake/fake-platform';
import { makeTempDir } from '../testing/fixtures';
import { openAgentDatabase } from './agent-db';
import { EventFactory } from './event-factory';
import { silentLogger } from './logger';
import { Outbox } from './outbox';

describe('outbox', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: SqliteDatabase;
  const factory = new EventFactory({ host: new FakeHostInfo(), hostname: 'ws-test-01' });

  const open = (maxEvents = 1000) => Outbox.open(db, { maxEvents, gapEvent: (g) => factory.gapEvent(g), log: silentLogger });
  const appEvent = (pid: number) =>
    factory.create({ type: 'app', action: 'blocked', severity: 'medium', uid: 1000, subject: { kind: 'process', pid, exePath: '/tmp/tool', name: 'tool', method: 'proc-scan' } });
  const readAll = (outbox: Outbox) => outbox.readAfter(0, 100_000, Number.MAX_SAFE_INTEGER);

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('outbox'));
    db = await openAgentDatabase(dir);
  });
  afterEach(async () => {
    await db.close();
    await cleanup();
  });

  it('assigns strictly increasing seqs that continue after a reopen, even once everything was acked', async () => {
    let outbox = await open();
    const first = await Promise.all([1, 2, 3].map(async (pid) => outbox.append(await appEvent(pid))));
    expect(first.map((e) => e.seq)).toEqual([1, 2, 3]);
    await outbox.deleteUpTo(3);
    await db.close();
    db = await openAgentDatabase(dir);
    outbox = await open();
    const next = await outbox.append(await appEvent(4));
    expect(next.seq).toBe(4);
    expect(next).toMatchObject({ user: 'alice', host: 'ws-test-01', subject: { pid: 4 } });
  });

  it('keeps events until acked, then deletes exactly those up to the ack', async () => {
    const outbox = await open();
    for (let pid = 1; pid <= 5; pid++) await outbox.append(await appEvent(pid));
    expect(await outbox.deleteUpTo(3)).toBe(3);
    expect(outbox.depth()).toBe(2);
    expect((await readAll(outbox)).map((e) => e.seq)).toEqual([4, 5]);
    expect((await outbox.readAfter(4, 10, 1_000_000)).map((e) => e.seq)).toEqual([5]);
  });

  it('commits a burst of events in few transactions and in order', async () => {
    const outbox = await open(100_000);
    let commits = 0;
    outbox.onAppended(() => commits++);
    const drafts = await Promise.all(Array.from({ length: 2000 }, (_, i) => appEvent(i + 1)));
    const stored = await Promise.all(drafts.map((d) => outbox.append(d)));
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(commits).toBeLessThanOrEqual(2);
    expect(outbox.depth()).toBe(2000);
  });

  it('drops the oldest on overflow and records gap events that account for every dropped event', async () => {
    const outbox = await open(100);
    const total = 300;
    const drafts = await Promise.all(Array.from({ length: total }, (_, i) => appEvent(i + 1)));
    for (const d of drafts) await outbox.append(d);
    const events = await readAll(outbox);
    expect(events.length).toBeLessThanOrEqual(100);
    expect(outbox.depth()).toBe(events.length);
    const gaps = events.flatMap((e) => (e.subject.kind === 'gap' ? [{ event: e, ...e.subject }] : []));
    const survivors = events.flatMap((e) => (e.subject.kind === 'process' ? [e.subject.pid] : []));
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps[0]?.event).toMatchObject({ type: 'gap', action: 'info', severity: 'high' });
    // Every appended event is either still queued or counted by exactly one gap (older gaps fold into newer ones).
    expect(gaps.reduce((sum, g) => sum + g.dropped, 0) + survivors.length).toBe(total);
    // The gaps' ranges reach back to the first event ever dropped, and each lies before its gap.
    expect(Math.min(...gaps.map((g) => g.fromSeq))).toBe(1);
    for (const g of gaps) expect(g.toSeq).toBeLessThan(g.event.seq);
    // The newest events survive, in order.
    expect(survivors.at(-1)).toBe(total);
    expect([...survivors].sort((a, b) => a - b)).toEqual(survivors);
  });

  it('refuses an invalid event without touching the queue', async () => {
    const outbox = await open();
    const bad = { ...(await appEvent(1)), host: '' };
    await expect(outbox.append(bad)).rejects.toThrow(/invalid event: host/);
    expect(outbox.depth()).toBe(0);
    expect((await outbox.append(await appEvent(2))).seq).toBe(1);
  });

  it('numbers new events above what the console already holds', async () => {
    const outbox = await open();
    await outbox.ensureSeqAtLeast(41);
    expect((await outbox.append(await appEvent(1))).seq).toBe(42);
  });

  it('splits batches by size so a frame never exceeds the limit', async () => {
    const outbox = await open();
    for (let pid = 1; pid <= 10; pid++) await outbox.append(await appEvent(pid));
    const oneEventBytes = JSON.stringify(await readAll(outbox).then((e) => e[0])).length;
    const batch = await outbox.readAfter(0, 500, oneEventBytes * 3 + 3);
    expect(batch.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('never sends a damaged row', async () => {
    const outbox = await open();
    await outbox.append(await appEvent(1));
    await outbox.append(await appEvent(2));
    await db.run("UPDATE outbox SET body = '{\"not\":\"an event\"}' WHERE seq = 1");
    expect((await readAll(outbox)).map((e) => e.seq)).toEqual([2]);
  });
});
