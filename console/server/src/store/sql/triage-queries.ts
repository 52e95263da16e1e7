import type { TriageState } from '@dlp/shared';
import type { SqlStatements } from '@dlp/shared/node';
import { eventColumns, eventFromRow, type EventColumnsRow } from './event-queries';
import type { TriageAnnotation, TriageHistoryRecord, TriageRepository, TriageStateRecord } from '../triage-store';

/**
 * The dialect-specific pieces of the triage queries over an events row `e`: the columns an
 * annotation reads and the joins that provide them (the subject key is computed from the JSON).
 */
export interface TriageSql {
  columns: string;
  joins: string;
}

/** The state columns after `e.agent_id, e.seq, <subject key> AS subject_key`, the same in both dialects. */
export const TRIAGE_STATE_COLUMNS = `te.state AS e_state, te.updated_by_id AS e_by_id, te.updated_by AS e_by, te.updated_at AS e_at,
    tg.state AS g_state, tg.updated_by_id AS g_by_id, tg.updated_by AS g_by, tg.updated_at AS g_at`;

/** Joins the event's own state and its group's state; `subjectKey` is the SQL of the subject key. */
export function triageStateJoins(subjectKey: string): string {
  return `LEFT JOIN triage_event te ON te.agent_id = e.agent_id AND te.seq = e.seq
  LEFT JOIN triage_group tg ON tg.agent_id = e.agent_id AND tg.type = e.type AND tg.rule_key = coalesce(e.rule_id, '')
    AND tg.subject_key = ${subjectKey}`;
}

/** What the triage columns read for one event. */
export interface AnnotationRow {
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

export function toAnnotation(row: AnnotationRow): TriageAnnotation {
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

/**
 * Triage states, groups and history, portable apart from the engine's annotation columns and joins
 * (`dialect`) and its many-keys `annotate` (sqlite/sqlite-triage-queries.ts, postgres/pg-triage-queries.ts).
 */
export function sqlTriageRepository(sql: SqlStatements, dialect: TriageSql, annotate: TriageRepository['annotate']): TriageRepository {
  return {
    annotate,
    async findEvent(agentId, seq) {
      const row = await sql.get<AnnotationRow & EventColumnsRow>(
        `SELECT ${eventColumns('e')}, ${dialect.columns} FROM events e ${dialect.joins} WHERE e.agent_id = ? AND e.seq = ?`,
        [agentId, seq],
      );
      return row ? { event: eventFromRow(row), annotation: toAnnotation(row) } : undefined;
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
      const result = await sql.run(
        `INSERT INTO triage_history (scope, agent_id, seq, fingerprint, at, actor_id, actor_username, state, previous_state, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [entry.scope, entry.agentId, entry.seq, entry.fingerprint, entry.at, entry.actorId, entry.actorUsername, entry.state, entry.previousState, entry.note],
      );
      return result.lastId;
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
