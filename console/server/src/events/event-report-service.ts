import {
  offsetMinutes,
  type EntityHistoryQuery,
  type EntityHistoryReport,
  type EventCountRow,
  type EventCountsQuery,
  type EventCountsReport,
  type TopEntitiesQuery,
  type TopEntitiesReport,
  type WeekOverWeekQuery,
  type WeekOverWeekReport,
} from '@dlp/shared';
import type { AggregateSources, BucketCount, EntityRef, EventSearchRepoFilter, MsRange, TypeActionFilter } from '../store/event-search-store';
import type { ConsoleStore } from '../store/store';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

const floorTo = (t: number, step: number, offset = 0): number => Math.floor((t + offset) / step) * step - offset;
const ceilTo = (t: number, step: number): number => Math.ceil(t / step) * step;

/**
 * Splits a range into an aligned middle (whole `step`s, read from a roll-up) and the raw edges.
 * The middle is absent when the range holds no whole step.
 */
export function splitRange(range: MsRange, step: number): { middle?: MsRange; edges: MsRange[] } {
  const start = ceilTo(range.fromMs, step);
  const end = Math.floor(range.toMs / step) * step;
  if (start >= end) return { edges: [range] };
  const edges: MsRange[] = [];
  if (range.fromMs < start) edges.push({ fromMs: range.fromMs, toMs: start });
  if (end < range.toMs) edges.push({ fromMs: end, toMs: range.toMs });
  return { middle: { fromMs: start, toMs: end }, edges };
}

function sortedRows(counts: Map<string, BucketCount>): EventCountRow[] {
  return [...counts.values()]
    .filter((c) => c.count > 0)
    .sort((a, b) => a.startMs - b.startMs || a.type.localeCompare(b.type) || a.action.localeCompare(b.action))
    .map((c) => ({ start: new Date(c.startMs).toISOString(), type: c.type, action: c.action, count: c.count }));
}

function addTo(counts: Map<string, BucketCount>, row: BucketCount, startMs: number): void {
  const key = `${startMs}|${row.type}|${row.action}`;
  const existing = counts.get(key);
  if (existing) existing.count += row.count;
  else counts.set(key, { startMs, type: row.type, action: row.action, count: row.count });
}

/**
 * Aggregations for officers' reports. Buckets are computed in UTC shifted by a fixed `tz` offset
 * (`+08:00` for China), so a "day" is a local calendar day. Sources, chosen per range:
 * - counts by type/action: the hourly roll-up for whole hours (any whole-hour offset), raw events
 *   for the partial hours at the edges (and for offsets that are not whole hours);
 * - top N: the daily roll-up for whole UTC days, raw events for the edges;
 * - one entity's history: its indexed raw events, or the daily roll-up for whole UTC days when the
 *   offset is 0 (so history older than raw-event retention is still there).
 * Roll-ups are written in the ingest transaction and outlive raw-event purges (nothing deletes them
 * automatically; `purgeRollupsBefore` exists for an operator's retention job).
 */
export class EventReportService {
  constructor(private readonly store: ConsoleStore) {}

  /** Counts per hour or day by type and action. */
  async counts(query: EventCountsQuery): Promise<EventCountsReport> {
    const range = { fromMs: Date.parse(query.from), toMs: Date.parse(query.to) };
    const filter: TypeActionFilter = {};
    if (query.type !== undefined) filter.type = query.type;
    if (query.action !== undefined) filter.action = query.action;
    const counts = await this.bucketCounts(range, query.bucket === 'hour' ? HOUR_MS : DAY_MS, offsetMinutes(query.tz) * 60_000, filter);
    return { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), bucket: query.bucket, tz: query.tz, rows: sortedRows(counts) };
  }

  /** The top `limit` users, hosts, devices or apps in the range. */
  async top(query: TopEntitiesQuery): Promise<TopEntitiesReport> {
    const range = { fromMs: Date.parse(query.from), toMs: Date.parse(query.to) };
    const filter: TypeActionFilter = {};
    if (query.type !== undefined) filter.type = query.type;
    if (query.action !== undefined) filter.action = query.action;
    const split = splitRange(range, DAY_MS);
    const sources: AggregateSources = { raw: split.edges };
    if (split.middle) sources.rollupDays = split.middle;
    const items = await this.store.eventSearch.top(query.dimension, sources, filter, query.limit);
    return { dimension: query.dimension, from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), items };
  }

  /** The 7 days before `to` (default now) against the 7 days before those, per type and action. */
  async weekOverWeek(query: WeekOverWeekQuery, nowMs = Date.now()): Promise<WeekOverWeekReport> {
    const toMs = query.to !== undefined ? Date.parse(query.to) : nowMs;
    const current = { fromMs: toMs - WEEK_MS, toMs };
    const previous = { fromMs: toMs - 2 * WEEK_MS, toMs: toMs - WEEK_MS };
    // Each week is one bucket: only its two ends need raw events, the rest is the hourly roll-up.
    const counts = [...(await this.bucketCounts(previous, WEEK_MS, 0, {}, previous.fromMs)).values(), ...(await this.bucketCounts(current, WEEK_MS, 0, {}, current.fromMs)).values()];
    const byKey = new Map<string, { type: BucketCount['type']; action: BucketCount['action']; current: number; previous: number }>();
    for (const row of counts) {
      const key = `${row.type}|${row.action}`;
      const entry = byKey.get(key) ?? { type: row.type, action: row.action, current: 0, previous: 0 };
      if (row.startMs >= current.fromMs) entry.current += row.count;
      else entry.previous += row.count;
      byKey.set(key, entry);
    }
    const rows = [...byKey.values()]
      .sort((a, b) => a.type.localeCompare(b.type) || a.action.localeCompare(b.action))
      .map((r) => ({ ...r, changePct: r.previous === 0 ? null : Math.round(((r.current - r.previous) / r.previous) * 1000) / 10 }));
    const iso = (r: MsRange): { from: string; to: string } => ({ from: new Date(r.fromMs).toISOString(), to: new Date(r.toMs).toISOString() });
    return { current: iso(current), previous: iso(previous), rows };
  }

  /** One user, host or device (across hosts): counts over time, related entities and recent events. */
  async entityHistory(query: EntityHistoryQuery): Promise<EntityHistoryReport> {
    const range = { fromMs: Date.parse(query.from), toMs: Date.parse(query.to) };
    const entity: EntityRef = { dimension: query.dimension, key: query.key };
    const bucketMs = query.bucket === 'hour' ? HOUR_MS : DAY_MS;
    const offsetMs = offsetMinutes(query.tz) * 60_000;
    const origin = floorTo(range.fromMs, bucketMs, offsetMs);
    const counts = new Map<string, BucketCount>();
    const repo = this.store.eventSearch;
    const split = bucketMs === DAY_MS && offsetMs === 0 ? splitRange(range, DAY_MS) : { edges: [range] };
    if (split.middle) for (const row of await repo.dailyEntityCounts(entity, split.middle)) addTo(counts, row, row.startMs);
    for (const edge of split.edges) for (const row of await repo.rawCounts(edge, bucketMs, origin, { entity })) addTo(counts, row, row.startMs);
    const recentFilter: EventSearchRepoFilter = { fromMs: range.fromMs, toMs: range.toMs, limit: query.recent };
    if (query.dimension === 'device') recentFilter.deviceKey = query.key;
    else recentFilter[query.dimension] = query.key;
    const recent = query.recent === 0 ? [] : (await repo.search(recentFilter)).map((row) => row.event);
    return {
      dimension: query.dimension,
      key: query.key,
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      bucket: query.bucket,
      tz: query.tz,
      rows: sortedRows(counts),
      related: await repo.related(entity, range, 20),
      recent,
    };
  }

  /**
   * Counts per bucket (`bucketMs` long, boundaries at `origin` + k × bucketMs; by default aligned
   * to the offset). Whole UTC hours come from the hourly roll-up when bucket boundaries fall on
   * whole hours; everything else from raw events.
   */
  private async bucketCounts(range: MsRange, bucketMs: number, offsetMs: number, filter: TypeActionFilter, originMs?: number): Promise<Map<string, BucketCount>> {
    const origin = originMs ?? floorTo(range.fromMs, bucketMs, offsetMs);
    const repo = this.store.eventSearch;
    const counts = new Map<string, BucketCount>();
    // Hour rows may be used when no bucket boundary falls inside an hour: boundaries on whole
    // hours, or a single bucket spanning the whole range.
    const single = origin <= range.fromMs && range.toMs <= origin + bucketMs;
    const hourAligned = origin % HOUR_MS === 0 && bucketMs % HOUR_MS === 0;
    const split = single || hourAligned ? splitRange(range, HOUR_MS) : { edges: [range] };
    if (split.middle) {
      for (const row of await repo.hourlyCounts(split.middle, filter)) addTo(counts, row, origin + Math.floor((row.startMs - origin) / bucketMs) * bucketMs);
    }
    for (const edge of split.edges) for (const row of await repo.rawCounts(edge, bucketMs, origin, filter)) addTo(counts, row, row.startMs);
    return counts;
  }
}
