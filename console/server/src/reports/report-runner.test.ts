import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ReportSchedule } from '@dlp/shared';
import { EventReportService } from '../events/event-report-service';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import type { ConsoleStore } from '../store/store';
import { createMemoryLogger } from '../testing/memory-logger';
import type { ReportDeliverer, RenderedReport } from './report-delivery';
import { ReportRunner } from './report-runner';

const SCHEDULE: ReportSchedule = {
  id: 'sched-1',
  name: 'Weekly',
  enabled: true,
  frequency: 'weekly',
  weekday: 1,
  timeOfDay: '08:00',
  timeZone: 'Asia/Shanghai',
  language: 'en',
  delivery: { kind: 'folder', folder: 'weekly' },
  createdAt: '2026-04-01T00:00:00.000Z',
  updatedAt: '2026-04-01T00:00:00.000Z',
};

/** Records deliveries; fails the first `failures` of them. */
function recordingDeliverer(failures = 0): ReportDeliverer & { delivered: RenderedReport[]; calls: number } {
  const state = {
    delivered: [] as RenderedReport[],
    calls: 0,
    async deliver(report: RenderedReport) {
      state.calls += 1;
      // Let the other node's tick interleave with this one.
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (state.calls <= failures) throw new Error(`mail relay said no (${state.calls})`);
      state.delivered.push(report);
    },
  };
  return state;
}

describe('report runner', () => {
  let dir = '';
  let store: ConsoleStore;
  let nowMs = 0;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-runner-'));
    store = await openSqliteStore({ path: path.join(dir, 'console.sqlite'), synchronous: 'NORMAL' });
    await store.reportSchedules.save(SCHEDULE);
    // Monday 2026-05-04 08:00 in Shanghai is 00:00 UTC.
    nowMs = Date.parse('2026-05-04T00:00:30Z');
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const runner = (nodeId: string, deliverer: ReportDeliverer): ReportRunner =>
    new ReportRunner(store, new EventReportService(store), deliverer, createMemoryLogger(), { nodeId, now: () => nowMs, backoffMs: (n) => n * 60_000, maxAttempts: 3 });

  it('runs a due period once across two console nodes ticking at the same time', async () => {
    const a = recordingDeliverer();
    const b = recordingDeliverer();
    await Promise.all([runner('node-a', a).tick(), runner('node-b', b).tick(), runner('node-a', a).tick()]);
    expect(a.delivered.length + b.delivered.length).toBe(1);
    const runs = await store.reportSchedules.listRuns(SCHEDULE.id, 10);
    expect(runs.map((r) => [r.status, r.periodStart, r.periodEnd, r.triggerKey])).toEqual([['delivered', '2026-04-26T16:00:00.000Z', '2026-05-03T16:00:00.000Z', 'scheduled']]);
    expect((a.delivered[0] ?? b.delivered[0])?.subject).toBe('DLP event report: Weekly (2026-04-27 – 2026-05-03)');

    // Later the same week nothing new is due; the next Monday is.
    nowMs = Date.parse('2026-05-07T00:00:00Z');
    await runner('node-b', b).tick();
    expect(a.delivered.length + b.delivered.length).toBe(1);
    nowMs = Date.parse('2026-05-11T00:00:01Z');
    await runner('node-b', b).tick();
    expect(a.delivered.length + b.delivered.length).toBe(2);
  });

  it('retries a failed delivery with backoff and gives up after the last attempt, counting failures', async () => {
    const flaky = recordingDeliverer(1);
    const node = runner('node-a', flaky);
    await node.tick();
    let [run] = await store.reportSchedules.listRuns(SCHEDULE.id, 1);
    expect(run).toMatchObject({ status: 'retrying', attempts: 1, lastError: 'mail relay said no (1)', nextAttemptAtMs: nowMs + 60_000 });
    await node.tick();
    expect(flaky.calls).toBe(1); // not yet due
    nowMs += 60_000;
    await Promise.all([node.tick(), runner('node-b', flaky).tick()]);
    [run] = await store.reportSchedules.listRuns(SCHEDULE.id, 1);
    expect(run).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });
    expect(flaky.calls).toBe(2);
    expect(await store.reportSchedules.countFailedAttempts(SCHEDULE.id)).toBe(1);

    const broken = recordingDeliverer(99);
    const manual = runner('node-a', broken);
    await manual.runNow(SCHEDULE, 'm1');
    for (const wait of [60_000, 120_000]) {
      nowMs += wait;
      await manual.tick();
    }
    const [last] = await store.reportSchedules.listRuns(SCHEDULE.id, 1);
    expect(last).toMatchObject({ triggerKey: 'manual:m1', status: 'failed', attempts: 3, nextAttemptAtMs: null });
    expect(await store.reportSchedules.countFailedAttempts(SCHEDULE.id)).toBe(4);
  });

  it('takes over a run left running by a node that died, once', async () => {
    await store.reportSchedules.claimRun({
      scheduleId: SCHEDULE.id,
      periodStart: '2026-04-26T16:00:00.000Z',
      periodEnd: '2026-05-03T16:00:00.000Z',
      triggerKey: 'scheduled',
      claimedBy: 'node-dead',
      claimedAt: new Date(nowMs).toISOString(),
      status: 'running',
      attempts: 0,
      nextAttemptAtMs: null,
      lastError: null,
      deliveredAt: null,
      eventRows: null,
    });
    const d = recordingDeliverer();
    await runner('node-a', d).tick();
    expect(d.calls).toBe(0); // not stale yet
    nowMs += 15 * 60_000 + 1;
    await Promise.all([runner('node-a', d).tick(), runner('node-b', d).tick()]);
    expect(d.calls).toBe(1);
    const [run] = await store.reportSchedules.listRuns(SCHEDULE.id, 1);
    expect(run).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(['node-a', 'node-b']).toContain(run?.claimedBy);
  });

  it('does not run a period that was due before the schedule existed', async () => {
    await store.reportSchedules.save({ ...SCHEDULE, createdAt: '2026-05-04T00:00:10Z' });
    const d = recordingDeliverer();
    await runner('node-a', d).tick();
    expect(d.calls).toBe(0);
  });
});
