import { eventAction, eventType, type EventAction, type EventType, type ReportLanguage } from '@dlp/shared';
import type { EventReportService } from '../events/event-report-service';
import { dayLabel, zonedParts, zoneOffsetMs } from './report-schedule-time';

/** What a scheduled report says about one period. */
export interface ReportSummary {
  title: string;
  language: ReportLanguage;
  timeZone: string;
  fromMs: number;
  toMs: number;
  total: number;
  byType: Record<EventType, number>;
  byAction: Record<EventAction, number>;
  /** One entry per local day of the period, counts by action. */
  perDay: Array<{ day: string; counts: Record<EventAction, number> }>;
  topHosts: Array<{ key: string; count: number }>;
  topUsers: Array<{ key: string; count: number }>;
  /** The 7 days before the period end against the 7 days before those. */
  week: { current: number; previous: number; changePct: number | null };
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

/** `+08:00` for an offset in ms. */
export function offsetText(offsetMs: number): string {
  const minutes = Math.round(offsetMs / 60_000);
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Builds the summary from the aggregation service. Day buckets use the zone's offset at the start
 * of the period (a period that spans a DST change has one bucket boundary an hour off).
 */
export async function buildReportSummary(
  reports: EventReportService,
  input: { title: string; language: ReportLanguage; timeZone: string; fromMs: number; toMs: number },
): Promise<ReportSummary> {
  const from = new Date(input.fromMs).toISOString();
  const to = new Date(input.toMs).toISOString();
  const tz = offsetText(zoneOffsetMs(input.fromMs, input.timeZone));
  const [counts, hosts, users, week] = await Promise.all([
    reports.counts({ from, to, bucket: 'day', tz }),
    reports.top({ dimension: 'host', from, to, limit: 10 }),
    reports.top({ dimension: 'user', from, to, limit: 10 }),
    reports.weekOverWeek({ to }),
  ]);
  const byType = zeroes(eventType.options);
  const byAction = zeroes(eventAction.options);
  const days = new Map<string, Record<EventAction, number>>();
  for (let ms = input.fromMs; ms < input.toMs; ms += 86_400_000) days.set(dayLabel(zonedParts(ms, input.timeZone)), zeroes(eventAction.options));
  let total = 0;
  for (const row of counts.rows) {
    total += row.count;
    byType[row.type] += row.count;
    byAction[row.action] += row.count;
    // Bucket starts are local midnights; read the day in the report's zone.
    const label = dayLabel(zonedParts(Date.parse(row.start) + 12 * 3_600_000, input.timeZone));
    const day = days.get(label) ?? zeroes(eventAction.options);
    day[row.action] += row.count;
    days.set(label, day);
  }
  const current = week.rows.reduce((sum, row) => sum + row.current, 0);
  const previous = week.rows.reduce((sum, row) => sum + row.previous, 0);
  return {
    ...input,
    total,
    byType,
    byAction,
    perDay: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, dayCounts]) => ({ day, counts: dayCounts })),
    topHosts: hosts.items,
    topUsers: users.items,
    week: { current, previous, changePct: previous === 0 ? null : Math.round(((current - previous) / previous) * 1000) / 10 },
  };
}
