import type { SqlParam, SqlStatements } from '@dlp/shared/node';
import { sqlTriageRepository, toAnnotation, TRIAGE_STATE_COLUMNS, triageStateJoins, type AnnotationRow, type TriageSql } from '../sql/triage-queries';
import type { TriageAnnotation, TriageRepository } from '../triage-store';

/**
 * The subject's identity from an event row `e`: what "identical events" share besides agent, type
 * and rule. A hash when the agent sent one (a renamed binary is the same program), else the path.
 */
const SUBJECT_KEY_SQL = `(CASE json_extract(e.detail_json, '$.subject.kind')
  WHEN 'process' THEN CASE WHEN e.sha256 IS NOT NULL THEN 'sha256:' || e.sha256 ELSE 'exe:' || e.app END
  WHEN 'file' THEN CASE WHEN e.sha256 IS NOT NULL THEN 'sha256:' || e.sha256 ELSE 'file:' || json_extract(e.detail_json, '$.subject.path') END
  WHEN 'device' THEN 'usb:' || json_extract(e.detail_json, '$.subject.vendorId') || ':' || json_extract(e.detail_json, '$.subject.productId') || ':' || coalesce(json_extract(e.detail_json, '$.subject.serial'), '')
  WHEN 'policy' THEN 'policy:' || coalesce(json_extract(e.detail_json, '$.subject.reason'), '')
  WHEN 'agent' THEN 'agent:' || coalesce(json_extract(e.detail_json, '$.subject.message'), '')
  ELSE coalesce(json_extract(e.detail_json, '$.subject.kind'), '') END)`;

const SQLITE_TRIAGE_SQL: TriageSql = {
  columns: `e.agent_id, e.seq, ${SUBJECT_KEY_SQL} AS subject_key, ${TRIAGE_STATE_COLUMNS}`,
  joins: triageStateJoins(SUBJECT_KEY_SQL),
};

/** Keys per annotate statement: 2 bound parameters each, far below SQLite's limit. */
const ANNOTATE_CHUNK = 500;

const annotateSqlBySize = new Map<number, string>();

function annotateSql(keys: number): string {
  let sql = annotateSqlBySize.get(keys);
  if (sql === undefined) {
    // The keys drive the loop and each probes the (agent_id, seq) unique index.
    sql = `WITH k (agent_id, seq) AS (VALUES ${Array.from({ length: keys }, () => '(?, ?)').join(', ')})
      SELECT ${SQLITE_TRIAGE_SQL.columns} FROM k CROSS JOIN events e ON e.agent_id = k.agent_id AND e.seq = k.seq ${SQLITE_TRIAGE_SQL.joins}`;
    annotateSqlBySize.set(keys, sql);
  }
  return sql;
}

/** Triage on SQLite: the portable repository with JSON reads through json_extract and a VALUES-driven annotate. */
export function sqliteTriageRepository(sql: SqlStatements): TriageRepository {
  return sqlTriageRepository(sql, SQLITE_TRIAGE_SQL, async (keys) => {
    const out: TriageAnnotation[] = [];
    for (let start = 0; start < keys.length; start += ANNOTATE_CHUNK) {
      const chunk = keys.slice(start, start + ANNOTATE_CHUNK);
      const params: SqlParam[] = [];
      for (const key of chunk) params.push(key.agentId, key.seq);
      const rows = await sql.all<AnnotationRow>(annotateSql(chunk.length), params);
      for (const row of rows) out.push(toAnnotation(row));
    }
    return out;
  });
}
