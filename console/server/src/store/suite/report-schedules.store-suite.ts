import type { ReportSchedule } from '@dlp/shared';
import type { NewReportRunRecord } from '../report-store';
import type { StoreSuite } from './store-suite';

const SCHEDULE: ReportSchedule = {
  id: 'sched-1',
  name: '每日报告',
  enabled: true,
  frequency: 'daily',
  weekday: null,
  timeOfDay: '08:00',
  timeZone: 'Asia/Shanghai',
  language: 'zh-CN',
  delivery: { kind: 'smtp', recipients: ['ciso@example.test'] },
  createdAt: '2026-05-01T00:00:00.000Z',
  updatedAt: '2026-05-01T00:00:00.000Z',
};

function run(overrides: Partial<NewReportRunRecord> = {}): NewReportRunRecord {
  return {
    scheduleId: SCHEDULE.id,
    periodStart: '2026-05-01T16:00:00.000Z',
    periodEnd: '2026-05-02T16:00:00.000Z',
    triggerKey: 'scheduled',
    claimedBy: 'node-a',
    claimedAt: '2026-05-03T00:00:00.000Z',
    status: 'running',
    attempts: 0,
    nextAttemptAtMs: null,
    lastError: null,
    deliveredAt: null,
    eventRows: null,
    ...overrides,
  };
}

/** Scheduled reports: schedules as documents, runs claimed once per (schedule, period, trigger). */
export const reportSchedulesStoreSuite: StoreSuite = (context) => {
  it('saves, replaces, lists and deletes schedules with their runs', async () => {
    const { store } = context;
    await store.reportSchedules.save(SCHEDULE);
    await store.reportSchedules.save({ ...SCHEDULE, id: 'sched-2', name: 'weekly', frequency: 'weekly', weekday: 1, createdAt: '2026-05-02T00:00:00.000Z' });
    await store.reportSchedules.save({ ...SCHEDULE, name: '每日报告 v2', updatedAt: '2026-05-03T00:00:00.000Z' });
    expect((await store.reportSchedules.list()).map((s) => [s.id, s.name])).toEqual([
      ['sched-1', '每日报告 v2'],
      ['sched-2', 'weekly'],
    ]);
    expect(await store.reportSchedules.find('sched-1')).toEqual({ ...SCHEDULE, name: '每日报告 v2', updatedAt: '2026-05-03T00:00:00.000Z' });
    await store.reportSchedules.claimRun(run());
    expect(await store.reportSchedules.delete('sched-1')).toBe(true);
    expect(await store.reportSchedules.delete('sched-1')).toBe(false);
    expect(await store.reportSchedules.listRuns('sched-1', 10)).toEqual([]);
  });

  it('lets exactly one claimant take a period, and one take a due retry', async () => {
    const { store } = context;
    await store.reportSchedules.save(SCHEDULE);
    const claims = await Promise.all([store.reportSchedules.claimRun(run()), store.reportSchedules.claimRun(run({ claimedBy: 'node-b' }))]);
    expect(claims.filter((id) => id !== null)).toHaveLength(1);
    const id = claims.find((c) => c !== null) ?? 0;
    // A manual run of the same period is a different key.
    expect(await store.reportSchedules.claimRun(run({ triggerKey: 'manual:x' }))).not.toBeNull();

    await store.reportSchedules.finishAttempt(id, { status: 'retrying', attempts: 1, nextAttemptAtMs: 5000, lastError: 'refused', deliveredAt: null, eventRows: 3 });
    expect((await store.reportSchedules.dueRetries(4999, 10)).length).toBe(0);
    expect((await store.reportSchedules.dueRetries(5000, 10)).map((r) => r.id)).toEqual([id]);
    const takes = await Promise.all([store.reportSchedules.claimRetry(id, 'node-a', '2026-05-03T00:01:00.000Z', 5000), store.reportSchedules.claimRetry(id, 'node-b', '2026-05-03T00:01:00.000Z', 5000)]);
    expect(takes.filter(Boolean)).toHaveLength(1);
    expect(await store.reportSchedules.findRun(id)).toMatchObject({ status: 'running', attempts: 1, eventRows: 3 });

    expect((await store.reportSchedules.staleRuns('2026-05-03T00:00:00.000Z', 10)).length).toBe(0);
    expect((await store.reportSchedules.staleRuns('9999-01-01T00:00:00.000Z', 10)).map((r) => r.triggerKey).sort()).toEqual(['manual:x', 'scheduled']);
    const stale = await Promise.all([store.reportSchedules.claimStale(id, 'node-c', '2026-05-03T00:20:00.000Z', '2026-05-03T00:01:00.000Z'), store.reportSchedules.claimStale(id, 'node-d', '2026-05-03T00:20:00.000Z', '2026-05-03T00:01:00.000Z')]);
    expect(stale.filter(Boolean)).toHaveLength(1);

    await store.reportSchedules.finishAttempt(id, { status: 'delivered', attempts: 2, nextAttemptAtMs: null, lastError: null, deliveredAt: '2026-05-03T00:02:00.000Z', eventRows: 3 });
    expect(await store.reportSchedules.countFailedAttempts(SCHEDULE.id)).toBe(1);
    expect((await store.reportSchedules.listRuns(SCHEDULE.id, 10)).map((r) => r.triggerKey)).toEqual(['manual:x', 'scheduled']);
  });
};
