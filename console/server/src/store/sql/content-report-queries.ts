import type { SqlStatements } from '@dlp/shared/node';
import type { ContentReportDimension, ContentReportRepository } from '../content-report-store';

/** Events column per dimension (a fixed whitelist: never built from input). */
const COLUMN: Record<ContentReportDimension, string> = { host: 'host', user: 'user_name' };

/**
 * The engine's expression for one row's detected values: the sum of the numbers in
 * `detail_json` → subject.matches of the events row aliased `e` (0 when there are none).
 */
export type DetectedValuesSql = string;

/** Customer-data report queries both engines run; only the JSON read differs (sqlite/, postgres/). */
export function sqlContentReportRepository(sql: SqlStatements, detectedValues: DetectedValuesSql): ContentReportRepository {
  return {
    async top(dimension, range, limit) {
      const column = COLUMN[dimension];
      // The events_time index (occurred_at_ms, type, …) bounds the read to the range's content events.
      const rows = await sql.all<{ key: string; events: number | string; detected: number | string | null }>(
        `SELECT e.${column} AS key, count(*) AS events, sum(${detectedValues}) AS detected
           FROM events e
          WHERE e.occurred_at_ms >= ? AND e.occurred_at_ms < ? AND e.type = 'content' AND e.${column} IS NOT NULL
          GROUP BY e.${column}
          ORDER BY count(*) DESC, sum(${detectedValues}) DESC, e.${column}
          LIMIT ?`,
        [range.fromMs, range.toMs, limit],
      );
      return rows.map((row) => ({ key: row.key, events: Number(row.events), values: Number(row.detected ?? 0) }));
    },
  };
}
