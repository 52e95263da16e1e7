import { isoWeekday, latestDuePeriod, zonedTimeToUtc } from './report-schedule-time';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('report schedule times', () => {
  it('converts wall-clock times in a zone, across a DST change', () => {
    expect(iso(zonedTimeToUtc({ year: 2026, month: 5, day: 1 }, 8, 0, 'Asia/Shanghai'))).toBe('2026-05-01T00:00:00.000Z');
    expect(iso(zonedTimeToUtc({ year: 2026, month: 3, day: 28 }, 9, 30, 'Europe/Berlin'))).toBe('2026-03-28T08:30:00.000Z');
    expect(iso(zonedTimeToUtc({ year: 2026, month: 3, day: 30 }, 9, 30, 'Europe/Berlin'))).toBe('2026-03-30T07:30:00.000Z');
    expect(isoWeekday({ year: 2026, month: 5, day: 4 })).toBe(1);
  });

  it('finds the latest daily run and reports the local day before it', () => {
    const daily = { frequency: 'daily' as const, weekday: null, timeOfDay: '07:00', timeZone: 'Asia/Shanghai' };
    // 2026-05-02 06:59 in Shanghai: today's 07:00 has not come, so yesterday's run is the latest.
    const before = latestDuePeriod(daily, Date.parse('2026-05-01T22:59:00Z'));
    expect([iso(before.dueAtMs), iso(before.fromMs), iso(before.toMs)]).toEqual(['2026-04-30T23:00:00.000Z', '2026-04-29T16:00:00.000Z', '2026-04-30T16:00:00.000Z']);
    const after = latestDuePeriod(daily, Date.parse('2026-05-01T23:00:00Z'));
    expect([iso(after.dueAtMs), iso(after.fromMs), iso(after.toMs)]).toEqual(['2026-05-01T23:00:00.000Z', '2026-04-30T16:00:00.000Z', '2026-05-01T16:00:00.000Z']);
  });

  it('runs weekly reports on their weekday over the 7 days before', () => {
    const weekly = { frequency: 'weekly' as const, weekday: 1, timeOfDay: '09:00', timeZone: 'UTC' };
    // Thursday 2026-05-07: the latest Monday 09:00 is 2026-05-04.
    const period = latestDuePeriod(weekly, Date.parse('2026-05-07T12:00:00Z'));
    expect([iso(period.dueAtMs), iso(period.fromMs), iso(period.toMs)]).toEqual(['2026-05-04T09:00:00.000Z', '2026-04-27T00:00:00.000Z', '2026-05-04T00:00:00.000Z']);
  });
});
