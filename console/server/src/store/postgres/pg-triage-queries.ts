import type { StoredEvent, TriageState } from '@dlp/shared';
import type { TriageAnnotation, TriageHistoryRecord, TriageRepository, TriageStateRecord } from '../triage-store';
import type { PgStatements } from './pg-statements';

/** A field of the event document `d` (the row's JSON parsed once per row in a LATERAL). */
const field = (path: string): string => `(d.doc #>> '{${path}}')`;

/**
 * The subject's identity, exactly as sqlite/triage-queries.ts computes it: a hash when the agent
 * sent one (a renamed binary is the same program), else the path; USB vendor:product:serial; …
 */
const SUBJECT_KEY_SQL = `(CASE ${field('subject,kind')}
  WHEN 'process' THEN CASE WHEN e.sha256 IS NOT NULL THEN 'sha256:' || e.sha256 ELSE 'exe:' || ${field('subject,exePath')} END
  WHEN 'file' THEN CASE WHEN e.sha256 IS NOT NULL THEN 'sha256:' || e.sha256 ELSE 'file:' || ${field('subject,path')} END
  WHEN 'device' THEN 'usb:' || ${field('subject,vendorId')} || ':' || ${field('subject,productId')} || ':' || coalesce(${field('subject,serial')}, '')
  WHEN 'policy' THEN 'policy:' || coalesce(${field('subject,reason')}, '')
  WHEN 'agent' THEN 'agent:' || coalesce(${field('subject,message')}, '')
  ELSE coalesce(${field('subject,kind')}, '') END)`;

const TRIAGE_COLUMNS = `e.agent_id, e.seq, s.subject_key,
    te.state AS e_state, te.updated_by_id AS e_by_id, te.updated_by AS e_by, te.updated_at AS e_at,
    tg.state AS g_state, tg.updated_by_id AS g_by_id, tg.updated_by AS g_by, tg.updated_at AS g_at`;

// jsonb refuses the escape \u0000 (NUL), which an agent's free text may carry: read it as U+FFFD.
const TRIAGE_JOINS = `CROSS JOIN LATERAL (SELECT replace(e.json, '\\u0000', '\\ufffd')::jsonb AS doc) d
  CROSS JOIN LATERAL (SELECT ${SUBJECT_KEY_SQL} AS subject_key) s
  LEFT JOIN triage_event te ON te.agent_id = e.agent_id AND te.seq = e.seq
  LEFT JOIN triage_group tg ON tg.agent_id = e.agent_id AND tg.type = e.type AND tg.rule_key = coalesce(e.rule_id, '')
    AND tg.subject_key = s.subject_key`;

interface AnnotationRow {
  agent_id: string;
  seq: number;
  subject_key: string;
  e_state: TriageState | null;
  e_by_id: string | null;
  e_by: string | null;
  e_at: string | null;
  g_state: TriageState | null;
  g_by_id: string | null;
  g_by: string | null;
  g_at: string | null;
}

interface HistoryRow {
  id: number;
  scope: 'event' | 'group';
  agent_id: string;
  seq: number | null;
  fingerprint: string | null;
  at: string;
  actor_id: string;
  actor_username: string;
  state: TriageState | null;
  previous_state: TriageState | null;
  note: string | null;
}

function stateRecord(state: TriageState | null, byId: string | null, by: string | null, at: string | null): TriageStateRecord | null {
  return state !== null && byId !== null && by !== null && at !== null ? { state, updatedById: byId, updatedBy: by, updatedAt: at } : null;
}

function toAnnotation(row: AnnotationRow): TriageAnnotation {
  return {
    agentId: row.agent_id,
    seq: row.seq,
    subjectKey: row.subject_key,
    eventState: stateRecord(row.e_state, row.e_by_id, row.e_by, row.e_at),
    groupState: stateRecord(row.g_state, row.g_by_id, row.g_by, row.g_at),
  };
}

function toHistory(row: HistoryRow): TriageHistoryRecord {
  return {
    id: row.id,
    scope: row.scope,
    agentId: row.agent_id,
    seq: row.seq,
    fingerprint: row.fingerprint,
    at: row.at,
    actorId: row.actor_id,
    actorUsername: row.actor_username,
    state: row.state,
    previousState: row.previous_state,
    note: row.note,
  };
}

/** Triage states, groups and history on PostgreSQL (JSON read with jsonb operators). */
export function pgTriageRepository(sql: PgStatements): TriageRepository {
  return {
    async annotate(keys) {
      if (keys.length === 0) return [];
      // The keys drive the join and each probes the (agent_id, seq) unique index.
      const rows = await sql.all<AnnotationRow>(
        `SELECT ${TRIAGE_COLUMNS} FROM unnest(?::text[], ?::bigint[]) AS k (agent_id, seq)
           JOIN events e ON e.agent_id = k.agent_id AND e.seq = k.seq ${TRIAGE_JOINS}`,
        [keys.map((k) => k.agentId), keys.map((k) => k.seq)],
      );
      return rows.map(toAnnotation);
    },
    async findEvent(agentId, seq) {
      const row = await sql.get<AnnotationRow & { json: string }>(`SELECT e.json, ${TRIAGE_COLUMNS} FROM events e ${TRIAGE_JOINS} WHERE e.agent_id = ? AND e.seq = ?`, [agentId, seq]);
      // The JSON was produced by this console from a schema-validated event.
      return row ? { event: JSON.parse(row.json) as StoredEvent, annotation: toAnnotation(row) } : undefined;
    },
    async setEventState(agentId, seq, record) {
      await sql.run(
        `INSERT INTO triage_event (agent_id, seq, state, updated_by_id, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (agent_id, seq) DO UPDATE SET state = excluded.state, updated_by_id = excluded.updated_by_id,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        [agentId, seq, record.state, record.updatedById, record.updatedBy, record.updatedAt],
      );
    },
    async setGroupState(group, record) {
      await sql.run(
        `INSERT INTO triage_group (fingerprint, agent_id, type, rule_key, subject_key, state, updated_by_id, updated_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (fingerprint) DO UPDATE SET state = excluded.state, updated_by_id = excluded.updated_by_id,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        [group.fingerprint, group.agentId, group.type, group.ruleKey, group.subjectKey, record.state, record.updatedById, record.updatedBy, record.updatedAt],
      );
    },
    async appendHistory(entry) {
      const row = await sql.get<{ id: number }>(
        `INSERT INTO triage_history (scope, agent_id, seq, fingerprint, at, actor_id, actor_username, state, previous_state, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [entry.scope, entry.agentId, entry.seq, entry.fingerprint, entry.at, entry.actorId, entry.actorUsername, entry.state, entry.previousState, entry.note],
      );
      if (!row) throw new Error('triage_history insert returned no id');
      return row.id;
    },
    async listHistory(agentId, seq, fingerprint) {
      const rows = await sql.all<HistoryRow>(
        `SELECT * FROM triage_history WHERE (scope = 'event' AND agent_id = ? AND seq = ?) OR (scope = 'group' AND fingerprint = ?) ORDER BY id`,
        [agentId, seq, fingerprint],
      );
      return rows.map(toHistory);
    },
  };
}
