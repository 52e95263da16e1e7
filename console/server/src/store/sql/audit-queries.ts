import type { Role } from '@dlp/shared';
import type { SqlParam, SqlStatements } from '@dlp/shared/node';
import type { AuditRecord, AuditRepository } from '../store';

interface AuditRow {
  id: number;
  at: string;
  actor_id: string | null;
  actor_username: string | null;
  actor_role: Role | null;
  actor_system: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before_json: string | null;
  after_json: string | null;
  source_ip: string | null;
  prev_hash: string;
  hash: string;
}

const COLUMNS =
  'id, at, actor_id, actor_username, actor_role, actor_system, action, target_type, target_id, before_json, after_json, source_ip, prev_hash, hash';

function toRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    actorId: row.actor_id,
    actorUsername: row.actor_username,
    actorRole: row.actor_role,
    actorSystem: row.actor_system,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    beforeJson: row.before_json,
    afterJson: row.after_json,
    sourceIp: row.source_ip,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Escapes LIKE wildcards so an action prefix such as `user_` matches literally. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The audit_log table. Only INSERT and SELECT: the table's triggers refuse UPDATE and DELETE. */
export function sqlAuditRepository(sql: SqlStatements): AuditRepository {
  return {
    async last() {
      const row = await sql.get<AuditRow>(`SELECT ${COLUMNS} FROM audit_log ORDER BY id DESC LIMIT 1`);
      return row ? toRecord(row) : undefined;
    },
    async append(r) {
      await sql.run(`INSERT INTO audit_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
        r.id,
        r.at,
        r.actorId,
        r.actorUsername,
        r.actorRole,
        r.actorSystem,
        r.action,
        r.targetType,
        r.targetId,
        r.beforeJson,
        r.afterJson,
        r.sourceIp,
        r.prevHash,
        r.hash,
      ]);
    },
    async query(filter) {
      const where: string[] = [];
      const params: SqlParam[] = [];
      const add = (clause: string, ...values: SqlParam[]): void => {
        where.push(clause);
        params.push(...values);
      };
      if (filter.fromAt !== undefined) add('at >= ?', filter.fromAt);
      if (filter.toAt !== undefined) add('at < ?', filter.toAt);
      if (filter.actor !== undefined) add('(actor_username = ? OR actor_system = ?)', filter.actor, filter.actor);
      if (filter.action !== undefined) add('action = ?', filter.action);
      if (filter.actionPrefix !== undefined) add("action LIKE ? ESCAPE '\\'", likePrefix(filter.actionPrefix));
      if (filter.targetType !== undefined) add('target_type = ?', filter.targetType);
      if (filter.targetId !== undefined) add('target_id = ?', filter.targetId);
      if (filter.beforeId !== undefined) add('id < ?', filter.beforeId);
      if (filter.afterId !== undefined) add('id > ?', filter.afterId);
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      params.push(filter.limit);
      const rows = await sql.all<AuditRow>(`SELECT ${COLUMNS} FROM audit_log ${clause} ORDER BY id ${filter.order === 'asc' ? 'ASC' : 'DESC'} LIMIT ?`, params);
      return rows.map(toRecord);
    },
    async listAfter(afterId, limit) {
      const rows = await sql.all<AuditRow>(`SELECT ${COLUMNS} FROM audit_log WHERE id > ? ORDER BY id ASC LIMIT ?`, [afterId, limit]);
      return rows.map(toRecord);
    },
  };
}
