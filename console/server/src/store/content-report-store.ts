import type { ContentTopRow } from '@dlp/shared';
import type { MsRange } from './event-search-store';

/** Whose customer-data events a report groups by: the event's host or its user. */
export type ContentReportDimension = 'host' | 'user';

/**
 * Aggregations over `content` events (issue 16 item 5). Read from raw events: the roll-ups count
 * events, not the detected values their subjects carry.
 */
export interface ContentReportRepository {
  /**
   * The hosts or users with the most content events placed in `range` (half-open), with the sum of
   * their per-detector counts; most events first, then most values, then by key. Null users are left out.
   */
  top(dimension: ContentReportDimension, range: MsRange, limit: number): Promise<ContentTopRow[]>;
}
