import { entityHistoryQuery, eventCountsQuery, sampleEvent, topEntitiesQuery } from '@dlp/shared';
import { EventReportService } from './event-report-service';
import { seedHistory, type SeededHistory } from '../store/suite/events-seed';
import type { StoreSuite } from '../store/suite/store-suite';

type Rows = Array<[start: string, typeAction: string, count: number]>;

/** Report rows as compact tuples for readable expectations. */
function compact(rows: Array<{ start: string; type: string; action: string; count: number }>): Rows {
  return rows.map((r) => [r.start.slice(0, 16), `${r.type}/${r.action}`, r.count]);
}

/**
 * Aggregations against the seeded history (events-seed.ts); every expectation was worked out by
 * hand from that table, including the Asia/Shanghai (+08:00) day boundaries.
 */
export const eventsReportsSuite: StoreSuite = (context) => {
  let seed: SeededHistory;
  let reports: EventReportService;
  const counts = async (fields: Record<string, string>): Promise<Rows> => compact((await reports.counts(eventCountsQuery.parse(fields))).rows);
  const top = async (fields: Record<string, string>): Promise<Array<[string, number]>> =>
    (await reports.top(topEntitiesQuery.parse(fields))).items.map((i) => [i.key, i.count]);

  beforeEach(async () => {
    seed = await seedHistory(context.store);
    reports = new EventReportService(context.store);
  });

  it('counts per UTC day, per +08:00 day and per hour by type and action', async () => {
    expect(await counts({ from: '2026-03-02T00:00:00Z', to: '2026-03-06T00:00:00Z' })).toEqual([
      ['2026-03-02T00:00', 'app/blocked', 1],
      ['2026-03-02T00:00', 'app/would-block', 1],
      ['2026-03-02T00:00', 'usb/blocked', 1],
      ['2026-03-03T00:00', 'app/blocked', 1],
      ['2026-03-03T00:00', 'usb/blocked', 1],
      ['2026-03-04T00:00', 'app/blocked', 1],
      ['2026-03-04T00:00', 'usb/allowed', 1],
      ['2026-03-05T00:00', 'content/blocked', 1],
    ]);
    // Shanghai days start at 16:00 UTC the day before.
    expect(await counts({ from: '2026-03-02T00:00:00+08:00', to: '2026-03-06T00:00:00+08:00', tz: '+08:00' })).toEqual([
      ['2026-03-01T16:00', 'app/blocked', 1],
      ['2026-03-01T16:00', 'app/would-block', 1],
      ['2026-03-02T16:00', 'usb/blocked', 2],
      ['2026-03-03T16:00', 'app/blocked', 2],
      ['2026-03-03T16:00', 'usb/allowed', 1],
      ['2026-03-04T16:00', 'content/blocked', 1],
    ]);
    // Not hour-aligned: raw edges plus the hourly roll-up in the middle.
    expect(await counts({ from: '2026-03-02T01:15:00Z', to: '2026-03-03T23:45:00Z' })).toEqual([
      ['2026-03-02T00:00', 'app/would-block', 1],
      ['2026-03-02T00:00', 'usb/blocked', 1],
      ['2026-03-03T00:00', 'app/blocked', 1],
      ['2026-03-03T00:00', 'usb/blocked', 1],
    ]);
    expect(await counts({ from: '2026-03-02T00:00:00Z', to: '2026-03-02T02:00:00Z', bucket: 'hour' })).toEqual([
      ['2026-03-02T01:00', 'app/blocked', 1],
      ['2026-03-02T01:00', 'app/would-block', 1],
    ]);
    expect(await counts({ from: '2026-03-02T00:00:00Z', to: '2026-03-06T00:00:00Z', action: 'blocked', type: 'app' })).toEqual([
      ['2026-03-02T00:00', 'app/blocked', 1],
      ['2026-03-03T00:00', 'app/blocked', 1],
      ['2026-03-04T00:00', 'app/blocked', 1],
    ]);
    // A half-hour offset cannot use hourly roll-ups: computed from raw events, still exact.
    expect(await counts({ from: '2026-03-02T00:00:00Z', to: '2026-03-02T03:00:00Z', bucket: 'hour', tz: '+05:30' })).toEqual([
      ['2026-03-02T00:30', 'app/blocked', 1],
      ['2026-03-02T01:30', 'app/would-block', 1],
    ]);
  });

  it('ranks the top users, hosts, devices and apps of a range', async () => {
    const week = { from: '2026-03-02T00:00:00Z', to: '2026-03-06T00:00:00Z' };
    expect(await top({ dimension: 'user', ...week })).toEqual([['alice', 3], ['bob', 3], ['张伟', 1]]);
    expect(await top({ dimension: 'user', from: '2026-03-02T01:15:00Z', to: '2026-03-05T00:00:00Z' })).toEqual([['bob', 3], ['alice', 2], ['张伟', 1]]);
    expect(await top({ dimension: 'host', ...week })).toEqual([['ws-a', 4], ['ws-b', 4]]);
    expect(await top({ dimension: 'device', ...week })).toEqual([['0781:5567:SN1', 2], ['0781:5567', 1]]);
    expect(await top({ dimension: 'app', ...week })).toEqual([['/usr/bin/xclip', 2], ['/opt/tools/100%_grab', 1], ['/usr/bin/scrot', 1]]);
    expect(await top({ dimension: 'app', ...week, action: 'blocked', limit: '2' })).toEqual([['/opt/tools/100%_grab', 1], ['/usr/bin/scrot', 1]]);
    expect(await top({ dimension: 'device', from: '2026-02-17T00:00:00Z', to: '2026-03-01T00:00:00Z' })).toEqual([['0951:1666:K1', 4]]);
  });

  it('compares this week with the week before, per type and action', async () => {
    const report = await reports.weekOverWeek({ to: '2026-03-03T00:00:00.000Z' });
    expect(report.current).toEqual({ from: '2026-02-24T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z' });
    expect(report.previous).toEqual({ from: '2026-02-17T00:00:00.000Z', to: '2026-02-24T00:00:00.000Z' });
    expect(report.rows).toEqual([
      { type: 'app', action: 'blocked', current: 2, previous: 1, changePct: 100 },
      { type: 'app', action: 'would-block', current: 1, previous: 0, changePct: null },
      { type: 'usb', action: 'blocked', current: 2, previous: 3, changePct: -33.3 },
    ]);
    const offHour = await reports.weekOverWeek({ to: '2026-03-03T02:30:00.000Z' });
    expect(offHour.rows.map((r) => [`${r.type}/${r.action}`, r.current, r.previous, r.changePct])).toEqual([
      ['app/blocked', 2, 1, 100],
      ['app/would-block', 1, 0, null],
      ['usb/blocked', 3, 3, 0],
    ]);
  });

  it('tells one device, user or host’s history with related entities and recent events', async () => {
    const device = await reports.entityHistory(entityHistoryQuery.parse({ dimension: 'device', key: '0781:5567:SN1', from: '2026-03-01T00:00:00Z', to: '2026-03-08T00:00:00Z' }));
    expect(compact(device.rows)).toEqual([
      ['2026-03-02T00:00', 'usb/blocked', 1],
      ['2026-03-03T00:00', 'usb/blocked', 1],
    ]);
    expect(device.related).toEqual([{ key: 'ws-a', count: 1 }, { key: 'ws-b', count: 1 }]);
    expect(device.recent.map((e) => seed.label(e))).toEqual(['B1', 'A3']);

    const bob = await reports.entityHistory(entityHistoryQuery.parse({ dimension: 'user', key: 'bob', from: '2026-03-02T00:00:00+08:00', to: '2026-03-06T00:00:00+08:00', tz: '+08:00' }));
    expect(compact(bob.rows)).toEqual([
      ['2026-03-02T16:00', 'usb/blocked', 1],
      ['2026-03-03T16:00', 'app/blocked', 1],
      ['2026-03-03T16:00', 'usb/allowed', 1],
    ]);
    expect(bob.related).toEqual([{ key: 'ws-b', count: 3 }]);
    expect(bob.recent.map((e) => seed.label(e))).toEqual(['B3', 'B2', 'B1']);

    const host = await reports.entityHistory(entityHistoryQuery.parse({ dimension: 'host', key: 'ws-a', from: '2026-03-02T00:00:00Z', to: '2026-03-02T03:00:00Z', bucket: 'hour', recent: '1' }));
    expect(compact(host.rows)).toEqual([
      ['2026-03-02T01:00', 'app/blocked', 1],
      ['2026-03-02T01:00', 'app/would-block', 1],
    ]);
    expect(host.related).toEqual([{ key: 'alice', count: 2 }]);
    expect(host.recent.map((e) => seed.label(e))).toEqual(['A2']);
  });

  it('keeps values that look like separators apart in the roll-ups', async () => {
    // Distinct counts, so the order does not depend on the database's collation.
    const users = ['a|1:b', 'a', 'a|1:b', '-', 'a|1:b', 'a'];
    const events = users.map((user, i) => ({
      ...sampleEvent({ seq: 100 + i, occurredAt: '2026-04-01T10:00:00.000Z', user }),
      agentId: seed.agentA,
      receivedAt: new Date().toISOString(),
    }));
    await context.store.transaction((tx) => tx.events.insertEvents(events));
    const day = { from: '2026-04-01T00:00:00Z', to: '2026-04-02T00:00:00Z' };
    expect(await top({ dimension: 'user', ...day })).toEqual([['a|1:b', 3], ['a', 2], ['-', 1]]);
  });

  it('keeps roll-ups when raw events are purged, until roll-up retention removes them', async () => {
    expect(await context.store.eventSearch.purgeEventsBefore(Date.parse('2026-03-01T00:00:00Z'))).toBe(6);
    expect(await context.store.eventSearch.search({ limit: 100 })).toHaveLength(9);
    const report = await reports.weekOverWeek({ to: '2026-03-03T00:00:00.000Z' });
    expect(report.rows.map((r) => [`${r.type}/${r.action}`, r.current, r.previous])).toEqual([
      ['app/blocked', 2, 1],
      ['app/would-block', 1, 0],
      ['usb/blocked', 2, 3],
    ]);
    expect(await top({ dimension: 'device', from: '2026-02-17T00:00:00Z', to: '2026-03-01T00:00:00Z' })).toEqual([['0951:1666:K1', 4]]);
    const kingston = await reports.entityHistory(entityHistoryQuery.parse({ dimension: 'device', key: '0951:1666:K1', from: '2026-02-17T00:00:00Z', to: '2026-03-01T00:00:00Z', recent: '0' }));
    expect(compact(kingston.rows).map((r) => r[0].slice(0, 10))).toEqual(['2026-02-21', '2026-02-22', '2026-02-23', '2026-02-25']);

    await context.store.eventSearch.purgeRollupsBefore(Date.parse('2026-02-24T00:00:00Z'));
    expect(await top({ dimension: 'device', from: '2026-02-17T00:00:00Z', to: '2026-03-01T00:00:00Z' })).toEqual([['0951:1666:K1', 1]]);
  });
};
