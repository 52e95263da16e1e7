import type { EventAction, EventType, ReportDimension, StoredEvent } from '@dlp/shared';
import type { EventSearchPosition } from './event-position';
import type { ImpactReadRepository } from './impact-read-store';

/**
 * Event search and aggregation primitives. Kept small and SQL-portable on purpose: the service
 * (services/event-report-service.ts) decides which ranges come from roll-ups and which from raw
 * events, so each store only answers simple half-open range questions.
 */

/** The keyset position lives below this file and the impact read's (both use it); importable from here too. */
export type { EventSearchPosition } from './event-position';

/** Repository-level search filter: values already validated and normalized by the service. */
export interface EventSearchRepoFilter {
  /** Half-open range on occurredAt, Unix ms. */
  fromMs?: number;
  toMs?: number;
  groupId?: string;
  agentId?: string;
  user?: string;
  host?: string;
  type?: EventType;
  action?: EventAction;
  severity?: string;
  ruleId?: string;
  /** Exact `vid:pid:serial` (serial may be empty: `vid:pid:`). */
  deviceKey?: string;
  /** `vid:pid`: every serial of that model. */
  deviceModel?: string;
  deviceSerial?: string;
  sha256?: string;
  /** Lowercased substring of the search text; the store escapes LIKE wildcards. */
  text?: string;
  /** Only rows strictly after this position in newest-first order. */
  after?: EventSearchPosition;
  limit: number;
}

export interface EventSearchRow extends EventSearchPosition {
  event: StoredEvent;
  /** The agent's group when the event was ingested (null for events stored before groups were recorded). */
  groupId: string | null;
}

export interface TypeActionFilter {
  type?: EventType;
  action?: EventAction;
}

/** A count in one bucket; `startMs` is the bucket start (Unix ms). */
export interface BucketCount {
  startMs: number;
  type: EventType;
  action: EventAction;
  count: number;
}

export interface EntityCount {
  key: string;
  count: number;
}

/** Half-open Unix-ms range. */
export interface MsRange {
  fromMs: number;
  toMs: number;
}

/** Where an aggregate comes from: whole UTC days of the daily roll-up plus raw-event ranges. */
export interface AggregateSources {
  /** Day-aligned (UTC) range read from the daily roll-up, if any. */
  rollupDays?: MsRange;
  /** Ranges read from raw events (the edges that are not whole UTC days). */
  raw: MsRange[];
}

export interface EventSearchRepository {
  /** Newest first by (occurredAt, row id), at most `limit` rows. */
  search(filter: EventSearchRepoFilter): Promise<EventSearchRow[]>;
  /** How many events `search` would find without paging, counting at most `filter.limit` (`after` applies too). */
  count(filter: EventSearchRepoFilter): Promise<number>;
  /**
   * Events per hour (all types) from the hourly roll-up, newest hour first, at most `limit` hours:
   * the search uses it to size scan windows.
   */
  hourTotals(range: MsRange, limit: number): Promise<Array<{ hourMs: number; count: number }>>;
  /** From the hourly roll-up; `range` must be hour-aligned. One row per (hour, type, action). */
  hourlyCounts(range: MsRange, filter: TypeActionFilter): Promise<BucketCount[]>;
  /**
   * From raw events: counts per bucket of `bucketMs` starting at `originMs` (≤ range.fromMs).
   * With `entity`, only that user/host/device's events.
   */
  rawCounts(range: MsRange, bucketMs: number, originMs: number, filter: TypeActionFilter & { entity?: EntityRef }): Promise<BucketCount[]>;
  /** Per-day counts of one entity from the daily roll-up; `range` must be day-aligned (UTC). */
  dailyEntityCounts(entity: EntityRef, range: MsRange): Promise<BucketCount[]>;
  /** Top entities of a dimension over the given sources (roll-up + raw edges), highest first, ties by key. */
  top(dimension: ReportDimension, sources: AggregateSources, filter: TypeActionFilter, limit: number): Promise<EntityCount[]>;
  /** For a user or device: the hosts; for a host: the users (raw events in range). */
  related(entity: EntityRef, range: MsRange, limit: number): Promise<EntityCount[]>;
  /** Deletes raw events that occurred before `beforeMs`; roll-ups are untouched. Returns rows deleted. */
  purgeEventsBefore(beforeMs: number): Promise<number>;
  /** Deletes roll-up rows (hourly and daily) for days before `beforeMs`. */
  purgeRollupsBefore(beforeMs: number): Promise<number>;
  /** The impact preview's grouped reads (see impact-read-store.ts). */
  readonly impact: ImpactReadRepository;
}

export interface EntityRef {
  dimension: 'user' | 'host' | 'device';
  key: string;
}
