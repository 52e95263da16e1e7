import type { SqlStatements } from '@dlp/shared/node';
import { sqlContentReportRepository } from '../sql/content-report-queries';
import type { ContentReportRepository } from '../content-report-store';

// jsonb refuses the escape \u0000 (NUL), which an agent's free text may carry: read it as U+FFFD.
// jsonb_each_text of a missing `matches` (NULL) yields no rows, so such an event adds 0.
const PG_DETECTED_VALUES = `(SELECT coalesce(sum(m.value::bigint), 0) FROM jsonb_each_text(replace(e.detail_json, '\\u0000', '\\ufffd')::jsonb -> 'subject' -> 'matches') AS m)`;

/** The customer-data report on PostgreSQL. */
export function pgContentReportRepository(sql: SqlStatements): ContentReportRepository {
  return sqlContentReportRepository(sql, PG_DETECTED_VALUES);
}
