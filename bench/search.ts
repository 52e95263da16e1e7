/**
 * Search and aggregation benchmark (not a test): seeds N events (default 10 million: 2,000 hosts
 * and users, 90 days, skewed types/actions/offenders) into a fresh console.sqlite, then times
 * representative one-week searches and reports through the real services. Baseline, same run:
 * a plain `SELECT count(*)` over the same week through the time index.
 * Prints {"name","value","unit","baseline","ratio"} lines (p50 and p95 per query, in ms).
 *
 *   node dist/bench/search.js [--events N] [--runs R] [--keep DIR]
 * Seeding 10M rows takes minutes (progress on stderr); `--events 1000000` for a quick look.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { entityHistoryQuery, eventCountsQuery, eventSearchQuery, topEntitiesQuery, TRIAGE_COUNT_MAX, triageEventQuery } from '@dlp/shared';
import { EventReportService } from '../console/server/src/events/event-report-service';
import { EventSearchService } from '../console/server/src/events/event-search-service';
import { AuditService } from '../console/server/src/audit/audit-service';
import { TriageService } from '../console/server/src/triage/triage-service';
import { openSqliteStore } from '../console/server/src/store/sqlite/sqlite-store';
import { SqliteWorkerDatabase } from '../console/server/src/store/sqlite/sqlite-worker-db';
import { agentIdOf, deviceOf, exePath, HOSTS, hostName, prng, seed, sha256Of, userName } from './search-seed';
import { arg } from './bench-args';

const DAY_MS = 86_400_000;
/** Fixed end of the seeded history (a Saturday), so runs are comparable. */
const END_MS = Date.parse('2026-11-28T00:00:00.000Z');


function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function timeRuns(runs: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await fn(0); // warm-up: first touch of the pages
  const times: number[] = [];
  for (let i = 1; i <= runs; i++) {
    const started = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function main(): Promise<void> {
  const total = arg('events', 10_000_000);
  const runs = arg('runs', 20);
  const keepIndex = process.argv.indexOf('--keep');
  const dir = keepIndex >= 0 ? (process.argv[keepIndex + 1] ?? '') : mkdtempSync(path.join(tmpdir(), 'dlp-bench-search-'));
  const file = path.join(dir, 'console.sqlite');
  try {
    const fresh = await openSqliteStore({ path: file });
    const existing = await fresh.eventSearch.search({ limit: 1 });
    await fresh.close();
    if (existing.length === 0) await seed(file, total, END_MS);
    else process.stderr.write('seed: reusing the existing database\n');

    const store = await openSqliteStore({ path: file });
    const search = new EventSearchService(store);
    const reports = new EventReportService(store);
    const triage = new TriageService(store, new AuditService(store));
    const random = prng(7);
    // A random whole week inside the last 80 days; Shanghai midnight boundaries (16:00 UTC).
    const week = (): { from: string; to: string } => {
      const start = END_MS - DAY_MS * (7 + Math.floor(random() * 73)) - 8 * 3_600_000;
      return { from: new Date(start).toISOString(), to: new Date(start + 7 * DAY_MS).toISOString() };
    };
    const host = (): number => Math.floor(random() * HOSTS);
    const raw = await SqliteWorkerDatabase.open(file);
    const baseline = await timeRuns(runs, async () => {
      const w = week();
      await raw.get('SELECT count(*) AS n FROM events WHERE occurred_at_ms >= ? AND occurred_at_ms < ?', [Date.parse(w.from), Date.parse(w.to)]);
    });
    await raw.close();

    const s = (fields: Record<string, string>) => () => search.search(eventSearchQuery.parse({ ...week(), ...fields }));
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['search.week_newest_page', s({})],
      ['search.user', () => s({ user: userName(host()) })()],
      ['search.host', () => s({ host: hostName(host()) })()],
      ['search.agent', () => s({ agentId: agentIdOf(host()) })()],
      ['search.group', () => s({ groupId: `group-${host() % 20}` })()],
      ['search.type_action', s({ type: 'usb', action: 'blocked' })],
      ['search.rare_type_gap', s({ type: 'gap' })],
      ['search.device_model', () => s({ device: (({ vendorId, productId }) => `${vendorId}:${productId}`)(deviceOf(host() * 3)) })()],
      ['search.device_serial', () => s({ deviceSerial: deviceOf(host() * 3 + 1).serial })()],
      ['search.sha256', () => s({ sha256: sha256Of(Math.floor(random() * 300)) })()],
      ['search.text_common', s({ q: 'xclip' })],
      ['search.text_rare', () => s({ q: exePath(250 + Math.floor(random() * 50)).slice(5, 18) })()],
      ['search.text_none', s({ q: 'no-such-thing' })],
      [
        'search.page_5_by_cursor',
        async () => {
          const w = week();
          let cursor: string | null = null;
          for (let page = 0; page < 5; page++) cursor = (await search.search(eventSearchQuery.parse({ ...w, ...(cursor ? { cursor } : {}) }))).nextCursor;
        },
      ],
      // Search & triage (issue 17 item 3): the page with each row's group and policy version, and its result count.
      ['triage.week_newest_page_with_context', () => triage.search(triageEventQuery.parse(week()))],
      ['search.count_week', () => search.count(week(), TRIAGE_COUNT_MAX)],
      ['search.count_agent', () => search.count({ ...week(), agentId: agentIdOf(host()) }, TRIAGE_COUNT_MAX)],
      ['search.count_text_rare', () => search.count({ ...week(), q: exePath(250 + Math.floor(random() * 50)).slice(5, 18) }, TRIAGE_COUNT_MAX)],
      ['report.counts_day_tz8', () => reports.counts(eventCountsQuery.parse({ ...week(), tz: '+08:00' }))],
      ['report.counts_hour', () => reports.counts(eventCountsQuery.parse({ ...week(), bucket: 'hour', tz: '+08:00' }))],
      ['report.top_users', () => reports.top(topEntitiesQuery.parse({ ...week(), dimension: 'user' }))],
      ['report.top_hosts', () => reports.top(topEntitiesQuery.parse({ ...week(), dimension: 'host' }))],
      ['report.top_devices', () => reports.top(topEntitiesQuery.parse({ ...week(), dimension: 'device', action: 'blocked' }))],
      ['report.top_apps', () => reports.top(topEntitiesQuery.parse({ ...week(), dimension: 'app' }))],
      ['report.week_over_week', () => reports.weekOverWeek({ to: new Date(END_MS - Math.floor(random() * 60) * DAY_MS - Math.floor(random() * DAY_MS)).toISOString() })],
      ['report.entity_user_90d', () => reports.entityHistory(entityHistoryQuery.parse({ dimension: 'user', key: userName(host()), from: new Date(END_MS - 90 * DAY_MS).toISOString(), to: new Date(END_MS).toISOString(), tz: '+08:00' }))],
      ['report.entity_device_week', () => reports.entityHistory(entityHistoryQuery.parse({ dimension: 'device', key: (({ vendorId, productId, serial }) => `${vendorId}:${productId}:${serial}`)(deviceOf(host() * 3)), ...week() }))],
    ];
    const round = (n: number): number => Number(n.toFixed(2));
    const print = (name: string, value: number, base: number): void => {
      process.stdout.write(`${JSON.stringify({ name: `console.${name}`, value: round(value), unit: 'ms', baseline: round(base), ratio: round(value / base) })}\n`);
    };
    for (const [name, fn] of cases) {
      const result = await timeRuns(runs, fn);
      print(`${name}.p50`, result.p50, baseline.p50);
      print(`${name}.p95`, result.p95, baseline.p95);
    }
    await store.close();
  } finally {
    if (keepIndex < 0) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
