import { eventAction, type EventAction } from '@dlp/shared';

/** Actions in stacking order, bottom first: the ones that matter most sit on the baseline. */
export const STACK_ORDER: readonly EventAction[] = eventAction.options;

export const MINUTE_MS = 60_000;
export const CHART_MINUTES = 60;

/** One point of the chart's data: when an event happened and what was done. */
export interface ChartPoint {
  atMs: number;
  action: EventAction;
}

export interface MinuteBucket {
  /** Start of the minute (local clock, aligned to whole minutes). */
  startMs: number;
  counts: Record<EventAction, number>;
  total: number;
}

function emptyCounts(): Record<EventAction, number> {
  return { blocked: 0, 'would-block': 0, allowed: 0, info: 0 };
}

/**
 * Counts events per minute over the last `minutes` whole minutes, the current minute last. Events
 * dated slightly in the future (agent clock ahead) count in the current minute rather than vanish.
 */
export function bucketByMinute(points: Iterable<ChartPoint>, nowMs: number, minutes = CHART_MINUTES): MinuteBucket[] {
  const currentStart = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  const firstStart = currentStart - (minutes - 1) * MINUTE_MS;
  const buckets: MinuteBucket[] = [];
  for (let i = 0; i < minutes; i++) buckets.push({ startMs: firstStart + i * MINUTE_MS, counts: emptyCounts(), total: 0 });
  const futureLimit = currentStart + 5 * MINUTE_MS;
  for (const point of points) {
    if (point.atMs < firstStart || point.atMs >= futureLimit) continue;
    const index = Math.min(minutes - 1, Math.floor((point.atMs - firstStart) / MINUTE_MS));
    const bucket = buckets[index];
    if (!bucket) continue;
    bucket.counts[point.action]++;
    bucket.total++;
  }
  return buckets;
}

/** Totals per action across buckets. */
export function totalsByAction(buckets: readonly MinuteBucket[]): Record<EventAction, number> {
  const totals = emptyCounts();
  for (const bucket of buckets) for (const action of STACK_ORDER) totals[action] += bucket.counts[action];
  return totals;
}

/**
 * A round axis maximum ≥ `peak` (1, 2, 4, 6, 8, 10, 20, 40…) whose half is a whole number too, so
 * the three gridlines land on readable counts.
 */
export function niceAxisMax(peak: number): number {
  if (peak <= 1) return 1;
  if (peak <= 2) return 2;
  const magnitude = 10 ** Math.floor(Math.log10(peak));
  for (const step of [1, 2, 4, 6, 8, 10]) {
    if (step * magnitude >= peak) return step * magnitude;
  }
  return 10 * magnitude;
}
