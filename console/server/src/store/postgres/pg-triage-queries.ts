import { sqlTriageRepository, toAnnotation, TRIAGE_STATE_COLUMNS, triageStateJoins, type AnnotationRow, type TriageSql } from '../sql/triage-queries';
import type { TriageRepository } from '../triage-store';
import type { PgStatements } from './pg-statements';

/** A field of the event's detail document `d` (its detail_json parsed once per row in a LATERAL). */
const field = (path: string): string => `(d.doc #>> '{${path}}')`;

/**
 * The subject's identity, exactly as sqlite/sqlite-triage-queries.ts computes it: a hash when the agent
 * sent one (a renamed binary is the same program), else the path; USB vendor:product:serial; …
 */
const SUBJECT_KEY_SQL = `(CASE ${field('subject,kind')}
  WHEN 'process' THEN CASE WHEN e.sha256 IS NOT NULL THEN 'sha256:' || e.sha256 ELSE 'exe:' || e.app END
  WHEN 'file' THEN CASE WHEN e.sha256 IS NOT NULL THEN 'sha256:' || e.sha256 ELSE 'file:' || ${field('subject,path')} END
  WHEN 'device' THEN 'usb:' || ${field('subject,vendorId')} || ':' || ${field('subject,productId')} || ':' || coalesce(${field('subject,serial')}, '')
  WHEN 'policy' THEN 'policy:' || coalesce(${field('subject,reason')}, '')
  WHEN 'agent' THEN 'agent:' || coalesce(${field('subject,message')}, '')
  ELSE coalesce(${field('subject,kind')}, '') END)`;

// jsonb refuses the escape \u0000 (NUL), which an agent's free text may carry: read it as U+FFFD.
// The document and the subject key are computed once per row in LATERALs.
const PG_TRIAGE_SQL: TriageSql = {
  columns: `e.agent_id, e.seq, s.subject_key, ${TRIAGE_STATE_COLUMNS}`,
  joins: `CROSS JOIN LATERAL (SELECT replace(e.detail_json, '\\u0000', '\\ufffd')::jsonb AS doc) d
  CROSS JOIN LATERAL (SELECT ${SUBJECT_KEY_SQL} AS subject_key) s
  ${triageStateJoins('s.subject_key')}`,
};

/** Triage on PostgreSQL: the portable repository with jsonb reads, many-keys annotate and RETURNING ids. */
export function pgTriageRepository(sql: PgStatements): TriageRepository {
  const annotate: TriageRepository['annotate'] = async (keys) => {
    if (keys.length === 0) return [];
    // The keys drive the join and each probes the (agent_id, seq) unique index.
    const rows = await sql.all<AnnotationRow>(
      `SELECT ${PG_TRIAGE_SQL.columns} FROM unnest(?::text[], ?::bigint[]) AS k (agent_id, seq)
         JOIN events e ON e.agent_id = k.agent_id AND e.seq = k.seq ${PG_TRIAGE_SQL.joins}`,
      [keys.map((k) => k.agentId), keys.map((k) => k.seq)],
    );
    return rows.map(toAnnotation);
  };
  return {
    ...sqlTriageRepository(sql, PG_TRIAGE_SQL, annotate),
    async appendHistory(entry) {
      // lastId has no PostgreSQL equivalent: the id comes back through RETURNING.
      const row = await sql.get<{ id: number }>(
        `INSERT INTO triage_history (scope, agent_id, seq, fingerprint, at, actor_id, actor_username, state, previous_state, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [entry.scope, entry.agentId, entry.seq, entry.fingerprint, entry.at, entry.actorId, entry.actorUsername, entry.state, entry.previousState, entry.note],
      );
      if (!row) throw new Error('triage_history insert returned no id');
      return row.id;
    },
  };
}
