import type { ExceptionRequestTarget, SignedException } from '@dlp/shared';
import type { SqlParam, SqlStatements } from '@dlp/shared/node';
import type { ExceptionActorRecord, ExceptionDelivery, ExceptionRecord, ExceptionRepository, StoredExceptionState } from '../lifecycle-store';

interface ExceptionRow {
  id: string;
  agent_id: string;
  request_id: string | null;
  state: StoredExceptionState;
  target_json: string;
  justification: string;
  requested_minutes: number;
  requested_by: string | null;
  created_by_json: string | null;
  requested_at: string;
  decided_by_json: string | null;
  decided_at: string | null;
  decision_note: string | null;
  granted_minutes: number | null;
  expires_at: string | null;
  revoked_at: string | null;
  serial: number | null;
  signed_json: string | null;
  delivery_status: ExceptionDelivery['status'] | null;
  delivery_action: ExceptionDelivery['action'] | null;
  delivery_error: string | null;
  delivery_at: string | null;
}

const COLUMNS =
  'id, agent_id, request_id, state, target_json, justification, requested_minutes, requested_by, created_by_json, requested_at, ' +
  'decided_by_json, decided_at, decision_note, granted_minutes, expires_at, revoked_at, serial, signed_json, ' +
  'delivery_status, delivery_action, delivery_error, delivery_at';

// The JSON columns are written by this module from schema-validated values.
function parseOrNull<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toException(row: ExceptionRow): ExceptionRecord {
  const delivery: ExceptionDelivery | null =
    row.delivery_status !== null && row.delivery_action !== null && row.delivery_at !== null
      ? { status: row.delivery_status, action: row.delivery_action, error: row.delivery_error, at: row.delivery_at }
      : null;
  return {
    id: row.id,
    agentId: row.agent_id,
    requestId: row.request_id,
    state: row.state,
    target: JSON.parse(row.target_json) as ExceptionRequestTarget,
    justification: row.justification,
    requestedMinutes: row.requested_minutes,
    requestedBy: row.requested_by,
    createdBy: parseOrNull<ExceptionActorRecord>(row.created_by_json),
    requestedAt: row.requested_at,
    decidedBy: parseOrNull<ExceptionActorRecord>(row.decided_by_json),
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
    grantedMinutes: row.granted_minutes,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    serial: row.serial,
    signed: parseOrNull<SignedException>(row.signed_json),
    delivery,
  };
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** Exception requests, decisions and the signed grants pushed to agents. */
export function sqlExceptionRepository(sql: SqlStatements): ExceptionRepository {
  return {
    async allocateSerial() {
      const row = await sql.get<{ value: number }>("UPDATE counters SET value = value + 1 WHERE name = 'exception_serial' RETURNING value");
      if (!row) throw new Error('exception_serial counter is missing');
      return row.value;
    },
    async insert(r) {
      await sql.run(
        `INSERT INTO exceptions (${COLUMNS}, expires_at_ms) VALUES (${COLUMNS.split(',').map(() => '?').join(', ')}, ?)`,
        [
          r.id,
          r.agentId,
          r.requestId,
          r.state,
          JSON.stringify(r.target),
          r.justification,
          r.requestedMinutes,
          r.requestedBy,
          jsonOrNull(r.createdBy),
          r.requestedAt,
          jsonOrNull(r.decidedBy),
          r.decidedAt,
          r.decisionNote,
          r.grantedMinutes,
          r.expiresAt,
          r.revokedAt,
          r.serial,
          jsonOrNull(r.signed),
          r.delivery?.status ?? null,
          r.delivery?.action ?? null,
          r.delivery?.error ?? null,
          r.delivery?.at ?? null,
          r.expiresAt === null ? null : Date.parse(r.expiresAt),
        ],
      );
    },
    async findById(id) {
      const row = await sql.get<ExceptionRow>(`SELECT ${COLUMNS} FROM exceptions WHERE id = ?`, [id]);
      return row ? toException(row) : undefined;
    },
    async findByRequestId(agentId, requestId) {
      const row = await sql.get<ExceptionRow>(`SELECT ${COLUMNS} FROM exceptions WHERE agent_id = ? AND request_id = ?`, [agentId, requestId]);
      return row ? toException(row) : undefined;
    },
    async list(filter) {
      const where: string[] = [];
      const params: SqlParam[] = [];
      if (filter.state === 'expired') {
        where.push("state = 'approved' AND expires_at_ms <= ?");
        params.push(filter.nowMs);
      } else if (filter.state === 'approved') {
        where.push("state = 'approved' AND expires_at_ms > ?");
        params.push(filter.nowMs);
      } else if (filter.state !== undefined) {
        where.push('state = ?');
        params.push(filter.state);
      }
      if (filter.agentId !== undefined) {
        where.push('agent_id = ?');
        params.push(filter.agentId);
      }
      if (filter.beforeId !== undefined) {
        where.push('id < ?');
        params.push(filter.beforeId);
      }
      params.push(filter.limit);
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      return (await sql.all<ExceptionRow>(`SELECT ${COLUMNS} FROM exceptions ${clause} ORDER BY id DESC LIMIT ?`, params)).map(toException);
    },
    async saveDecision(r) {
      await sql.run(
        `UPDATE exceptions SET state = ?, decided_by_json = ?, decided_at = ?, decision_note = ?, granted_minutes = ?, expires_at = ?,
                expires_at_ms = ?, revoked_at = ?, serial = ?, signed_json = ? WHERE id = ?`,
        [
          r.state,
          jsonOrNull(r.decidedBy),
          r.decidedAt,
          r.decisionNote,
          r.grantedMinutes,
          r.expiresAt,
          r.expiresAt === null ? null : Date.parse(r.expiresAt),
          r.revokedAt,
          r.serial,
          jsonOrNull(r.signed),
          r.id,
        ],
      );
    },
    async recordDelivery(id, delivery) {
      const result = await sql.run('UPDATE exceptions SET delivery_status = ?, delivery_action = ?, delivery_error = ?, delivery_at = ? WHERE id = ?', [
        delivery.status,
        delivery.action,
        delivery.error,
        delivery.at,
        id,
      ]);
      return result.changes > 0;
    },
    async activeForAgent(agentId, nowMs) {
      const rows = await sql.all<ExceptionRow>(
        `SELECT ${COLUMNS} FROM exceptions WHERE agent_id = ? AND state = 'approved' AND expires_at_ms > ? ORDER BY serial`,
        [agentId, nowMs],
      );
      return rows.map(toException);
    },
    async unconfirmedRevokesForAgent(agentId, nowMs) {
      const rows = await sql.all<ExceptionRow>(
        `SELECT ${COLUMNS} FROM exceptions
          WHERE agent_id = ? AND state = 'revoked' AND serial IS NOT NULL AND expires_at_ms > ?
            AND NOT (delivery_action IS 'revoke' AND delivery_status IS 'applied')
          ORDER BY serial`,
        [agentId, nowMs],
      );
      return rows.map(toException);
    },
  };
}
