import type { SqlStatements } from '@dlp/shared/node';
import { sqlContentReportRepository } from '../sql/content-report-queries';
import type { ContentReportRepository } from '../content-report-store';

/** One row's detected values on SQLite: the per-detector counts summed through json_each. */
const SQLITE_DETECTED_VALUES = "(SELECT coalesce(sum(m.value), 0) FROM json_each(e.detail_json, '$.subject.matches') AS m)";

/** The customer-data report on SQLite. */
export function sqliteContentReportRepository(sql: SqlStatements): ContentReportRepository {
  return sqlContentReportRepository(sql, SQLITE_DETECTED_VALUES);
}
