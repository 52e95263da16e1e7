import { z } from 'zod';
import { LIMITS } from '../limits';
import { eventAction, eventType, severity, storedEvent } from '../schemas/event';
import { agentId, ruleId, sha256Hex, shortString, timestamp } from '../schemas/primitives';
import { cursor } from './rest';

/** True if any character is a C0 control or DEL (never valid in a filter value). */
function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** A group id as the console assigns them. */
const groupIdParam = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'must be a group id');

/**
 * A USB device identity as events carry it: `vid:pid` (every serial of that model) or
 * `vid:pid:serial` (one physical device). Lowercase hex, as in the device subject.
 */
export const deviceKeyParam = z
  .string()
  .max(4 + 1 + 4 + 1 + LIMITS.maxShortString)
  .regex(/^[0-9a-f]{4}:[0-9a-f]{4}(:.+)?$/s, 'must be vid:pid or vid:pid:serial (lowercase hex ids)')
  .refine((s) => !hasControlCharacter(s), 'must not contain control characters');

/** Free-text search: a case-insensitive substring of the exe path, device name, rule, user or host. */
export const freeTextParam = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !hasControlCharacter(s), 'must not contain control characters');

/**
 * The filters of an event search, shared by GET /events, CSV export and reports. All optional;
 * combined with AND. Ranges are half-open on placedAt (occurredAt corrected by the agent’s measured
 * clock offset, see storedEvent): from ≤ placedAt < to.
 */
export const eventSearchFilterShape = {
  from: timestamp.optional(),
  to: timestamp.optional(),
  groupId: groupIdParam.optional(),
  agentId: agentId.optional(),
  /** Exact user name as the agent reported it. */
  user: shortString.optional(),
  /** Exact host name as the agent reported it. */
  host: shortString.optional(),
  type: eventType.optional(),
  action: eventAction.optional(),
  severity: severity.optional(),
  ruleId: ruleId.optional(),
  /** `vid:pid` or `vid:pid:serial`. */
  device: deviceKeyParam.optional(),
  /** Exact USB serial number (any vendor/product). */
  deviceSerial: shortString.optional(),
  /** SHA-256 of the program or file. */
  sha256: sha256Hex.optional(),
  /** Free text (case-insensitive substring; `%` and `_` are literal). */
  q: freeTextParam.optional(),
} as const;

/** Refuses from ≥ to with a field path, so a caller gets 400 instead of a silently empty page. */
function checkRange(value: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx): void {
  if (value.from === undefined || value.to === undefined) return;
  if (Date.parse(value.from) >= Date.parse(value.to)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
}

/** Filters only (no paging): for exports and scheduled reports built on the search. */
export const eventSearchFilter = z.strictObject(eventSearchFilterShape).superRefine(checkRange);
export type EventSearchFilter = z.infer<typeof eventSearchFilter>;

const limitParam = z.coerce.number().int().min(1).max(LIMITS.maxPageSize).default(LIMITS.defaultPageSize);

/**
 * GET /api/v1/events query string. Newest first by occurredAt (ties by ingest order); the cursor
 * is a keyset position, so events ingested meanwhile never shift or repeat a page.
 */
export const eventSearchQuery = z
  .strictObject({ ...eventSearchFilterShape, cursor: cursor.optional(), limit: limitParam })
  .superRefine(checkRange);
export type EventSearchQuery = z.infer<typeof eventSearchQuery>;

/** Kept for existing callers: GET /events takes the full search query. */
export const eventQuery = eventSearchQuery;
export type EventQuery = EventSearchQuery;

export const eventSearchPage = z.strictObject({ items: z.array(storedEvent), nextCursor: z.string().nullable() });
export type EventSearchPage = z.infer<typeof eventSearchPage>;

// ---------------------------------------------------------------------------------------------
// Aggregations (GET /api/v1/reports/events/…)
// ---------------------------------------------------------------------------------------------

/**
 * A fixed UTC offset for bucket boundaries, `+08:00` for Asia/Shanghai (which has no DST). Buckets
 * and days are computed in UTC shifted by this offset; default `+00:00`.
 */
export const tzOffsetParam = z
  .string()
  .regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, 'must be a UTC offset such as +08:00')
  .refine((s) => offsetMinutes(s) <= 14 * 60, 'must be within ±14:00');

/** Minutes east of UTC for a validated `tz` value (`+08:00` → 480). */
export function offsetMinutes(tz: string): number {
  const sign = tz.startsWith('-') ? -1 : 1;
  const [hours = '0', minutes = '0'] = tz.slice(1).split(':');
  return sign * (Number(hours) * 60 + Number(minutes));
}

export const bucketSize = z.enum(['hour', 'day']);
export type BucketSize = z.infer<typeof bucketSize>;

/** Most buckets one report returns: 31 days of hours, or ~2.2 years of days. */
export const MAX_REPORT_BUCKETS = 800;

const HOUR_MS = 3_600_000;

/** A required range with a bucket size and bound on the number of buckets. */
function checkBuckets(value: { from: string; to: string; bucket?: BucketSize | undefined }, ctx: z.RefinementCtx): void {
  const span = Date.parse(value.to) - Date.parse(value.from);
  if (span <= 0) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    return;
  }
  const size = value.bucket === 'hour' ? HOUR_MS : 24 * HOUR_MS;
  if (span / size > MAX_REPORT_BUCKETS) ctx.addIssue({ code: 'custom', path: ['to'], message: `range too long: at most ${MAX_REPORT_BUCKETS} ${value.bucket ?? 'day'} buckets` });
}

/** GET /reports/events/counts: counts per bucket × type × action. */
export const eventCountsQuery = z
  .strictObject({
    from: timestamp,
    to: timestamp,
    bucket: bucketSize.default('day'),
    tz: tzOffsetParam.default('+00:00'),
    type: eventType.optional(),
    action: eventAction.optional(),
  })
  .superRefine(checkBuckets);
export type EventCountsQuery = z.infer<typeof eventCountsQuery>;

export const eventCountRow = z.strictObject({
  /** Bucket start, ISO-8601 UTC. */
  start: timestamp,
  type: eventType,
  action: eventAction,
  count: z.number().int(),
});
export type EventCountRow = z.infer<typeof eventCountRow>;

export const eventCountsReport = z.strictObject({
  from: timestamp,
  to: timestamp,
  bucket: bucketSize,
  tz: z.string(),
  /** Only non-zero buckets, ordered by start then type then action. */
  rows: z.array(eventCountRow),
});
export type EventCountsReport = z.infer<typeof eventCountsReport>;

/** What a top-N or history report is about. Devices are `vid:pid:serial`; apps are exe paths. */
export const reportDimension = z.enum(['user', 'host', 'device', 'app']);
export type ReportDimension = z.infer<typeof reportDimension>;

/** GET /reports/events/top */
export const topEntitiesQuery = z
  .strictObject({
    dimension: reportDimension,
    from: timestamp,
    to: timestamp,
    type: eventType.optional(),
    action: eventAction.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(10),
  })
  .superRefine(checkBuckets);
export type TopEntitiesQuery = z.infer<typeof topEntitiesQuery>;

export const topEntitiesReport = z.strictObject({
  dimension: reportDimension,
  from: timestamp,
  to: timestamp,
  /** Highest count first, ties by key. */
  items: z.array(z.strictObject({ key: z.string(), count: z.number().int() })),
});
export type TopEntitiesReport = z.infer<typeof topEntitiesReport>;

/** GET /reports/events/week-over-week: the 7 days before `to` against the 7 days before those. */
export const weekOverWeekQuery = z.strictObject({
  /** End of the current week (exclusive); default now. */
  to: timestamp.optional(),
});
export type WeekOverWeekQuery = z.infer<typeof weekOverWeekQuery>;

export const weekOverWeekReport = z.strictObject({
  current: z.strictObject({ from: timestamp, to: timestamp }),
  previous: z.strictObject({ from: timestamp, to: timestamp }),
  rows: z.array(
    z.strictObject({
      type: eventType,
      action: eventAction,
      current: z.number().int(),
      previous: z.number().int(),
      /** (current − previous) / previous × 100, one decimal; null when previous is 0. */
      changePct: z.number().nullable(),
    }),
  ),
});
export type WeekOverWeekReport = z.infer<typeof weekOverWeekReport>;

/** GET /reports/events/entity: one user, host or device (across hosts) over time. */
export const entityHistoryQuery = z
  .strictObject({
    dimension: z.enum(['user', 'host', 'device']),
    key: z.string().min(1).max(LIMITS.maxShortString + 10),
    from: timestamp,
    to: timestamp,
    bucket: bucketSize.default('day'),
    tz: tzOffsetParam.default('+00:00'),
    /** How many recent events to include (newest first). */
    recent: z.coerce.number().int().min(0).max(100).default(20),
  })
  .superRefine(checkBuckets);
export type EntityHistoryQuery = z.infer<typeof entityHistoryQuery>;

export const entityHistoryReport = z.strictObject({
  dimension: z.enum(['user', 'host', 'device']),
  key: z.string(),
  from: timestamp,
  to: timestamp,
  bucket: bucketSize,
  tz: z.string(),
  rows: z.array(eventCountRow),
  /** For a device: the hosts it was seen on; for a user: hosts; for a host: users (count in range). */
  related: z.array(z.strictObject({ key: z.string(), count: z.number().int() })),
  recent: z.array(storedEvent),
});
export type EntityHistoryReport = z.infer<typeof entityHistoryReport>;
