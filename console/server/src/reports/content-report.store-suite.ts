import { contentTopQuery, sampleEvent, uuidv7, type AgentEvent, type StoredEvent } from '@dlp/shared';
import type { ConsoleStore } from '../store/store';
import type { StoreSuite } from '../store/suite/store-suite';
import { ContentReportService } from './content-report-service';

type Matches = Record<string, number>;
type Row = [at: string, user: string | null, matches: Matches | null];

const file = (matches: Matches, samples: string[] = []): AgentEvent['subject'] => ({ kind: 'file', path: '/media/u/客户.xlsx', sha256: 'b'.repeat(64), matches, samples });

/**
 * Content events on three hosts around one UTC day (2026-03-05), with expected answers worked out by
 * hand: `null` matches stand for a program event (not customer data) at that time.
 */
const HOSTS: Record<string, Row[]> = {
  'ws-a': [
    ['2026-03-05T10:00:00.000Z', 'alice', { 'cn-resident-id': 12, 'cn-mobile': 3 }],
    ['2026-03-05T11:00:00.000Z', 'alice', { 'bank-card': 40 }],
    ['2026-03-05T12:00:00.000Z', null, { 'cn-resident-id': 5 }],
    ['2026-03-05T12:30:00.000Z', 'alice', null],
    // The range is half-open: these two are outside.
    ['2026-03-06T00:00:00.000Z', 'alice', { 'cn-resident-id': 100 }],
    ['2026-03-04T23:59:59.999Z', 'alice', { 'cn-resident-id': 100 }],
  ],
  'ws-b': [
    ['2026-03-05T09:00:00.000Z', 'bob', { email: 7 }],
    ['2026-03-05T09:30:00.000Z', 'bob', { 'cn-uscc': 2, email: 1 }],
    // An unreadable file: an event, but no detected values.
    ['2026-03-05T10:00:00.000Z', '张伟', {}],
  ],
  'ws-c': [['2026-03-05T23:59:59.000Z', 'carol', { 'cn-resident-id': 1_000_000 }]],
};

async function seedContent(store: ConsoleStore): Promise<void> {
  const now = new Date().toISOString();
  const groupId = uuidv7();
  await store.groups.insert({ id: groupId, name: 'content', policyId: null, builtIn: false, createdAt: now });
  const events: StoredEvent[] = [];
  for (const [host, rows] of Object.entries(HOSTS)) {
    const agentId = uuidv7();
    await store.agents.insert({ id: agentId, tokenHash: host.padEnd(64, '0'), groupId, info: { hostname: host, os: 'linux', osVersion: '12', agentVersion: '0.1.0', user: 'x' }, enrolledAt: now, enrollSecretId: 'seed' });
    rows.forEach(([at, user, matches], i) => {
      const fields: Partial<AgentEvent> =
        matches === null ? {} : { type: 'content', action: 'would-block', severity: 'medium', ruleId: 'content:bulk-pii', subject: file(matches, ['110105********1234', 'nul\u0000x']) };
      events.push({ ...sampleEvent({ seq: i + 1, occurredAt: at, host, user, ...fields }), agentId, receivedAt: now });
    });
  }
  await store.transaction((tx) => tx.events.insertEvents(events));
}

/** The customer-data report on each engine, against answers worked out by hand. */
export const contentReportSuite: StoreSuite = (context) => {
  let reports: ContentReportService;
  const top = (fields: Record<string, string>) => reports.top(contentTopQuery.parse(fields));
  const DAY = { from: '2026-03-05T00:00:00Z', to: '2026-03-06T00:00:00Z' };

  beforeEach(async () => {
    await seedContent(context.store);
    reports = new ContentReportService(context.store);
  });

  it('ranks hosts and users by content events, then detected values, within the half-open range', async () => {
    const report = await top(DAY);
    expect(report.hosts).toEqual([
      { key: 'ws-a', events: 3, values: 60 },
      { key: 'ws-b', events: 3, values: 10 },
      { key: 'ws-c', events: 1, values: 1_000_000 },
    ]);
    // An event without a user counts for its host only.
    expect(report.users).toEqual([
      { key: 'alice', events: 2, values: 55 },
      { key: 'bob', events: 2, values: 10 },
      { key: 'carol', events: 1, values: 1_000_000 },
      { key: '张伟', events: 1, values: 0 },
    ]);
    expect({ from: report.from, to: report.to }).toEqual({ from: '2026-03-05T00:00:00.000Z', to: '2026-03-06T00:00:00.000Z' });
  });

  it('honours the limit and a narrower range', async () => {
    expect((await top({ ...DAY, limit: '1' })).hosts).toEqual([{ key: 'ws-a', events: 3, values: 60 }]);
    const morning = await top({ from: '2026-03-05T09:00:00Z', to: '2026-03-05T10:00:00Z' });
    expect(morning.hosts).toEqual([{ key: 'ws-b', events: 2, values: 10 }]);
    expect(morning.users).toEqual([{ key: 'bob', events: 2, values: 10 }]);
    const empty = await top({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' });
    expect(empty).toMatchObject({ hosts: [], users: [] });
  });

  it('counts exactly what the drill-down search finds for each row', async () => {
    const report = await top(DAY);
    const range = { fromMs: Date.parse(DAY.from), toMs: Date.parse(DAY.to), type: 'content' as const, limit: 1000 };
    for (const row of report.hosts) expect({ host: row.key, found: await context.store.eventSearch.count({ ...range, host: row.key }) }).toEqual({ host: row.key, found: row.events });
    for (const row of report.users) expect({ user: row.key, found: await context.store.eventSearch.count({ ...range, user: row.key }) }).toEqual({ user: row.key, found: row.events });
  });
};
