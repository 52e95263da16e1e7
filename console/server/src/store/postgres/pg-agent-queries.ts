import type { AgentInfo, CapabilityReport } from '@dlp/shared';
import type { SqlParam } from '@dlp/shared/node';
import type { PgStatements } from './pg-statements';
import type { AgentRecord, AgentRepository, PolicyReceiptRecord } from '../store';

interface AgentRow {
  id: string;
  token_hash: string;
  group_id: string;
  info_json: string;
  enrolled_at: string;
  last_seen_at: string | null;
  online: number;
  revoked_at: string | null;
  policy_serial: number | null;
  capabilities_json: string | null;
  acked_seq: number;
  receipt_serial: number | null;
  receipt_hash: string | null;
  receipt_status: PolicyReceiptRecord['status'] | null;
  receipt_error: string | null;
  receipt_at: string | null;
}

const COLUMNS =
  'id, token_hash, group_id, info_json, enrolled_at, last_seen_at, online, revoked_at, policy_serial, ' +
  'capabilities_json, acked_seq, receipt_serial, receipt_hash, receipt_status, receipt_error, receipt_at';

function toAgent(row: AgentRow): AgentRecord {
  const lastReceipt: PolicyReceiptRecord | null =
    row.receipt_serial !== null && row.receipt_hash !== null && row.receipt_status !== null && row.receipt_at !== null
      ? { serial: row.receipt_serial, hash: row.receipt_hash, status: row.receipt_status, error: row.receipt_error, receivedAt: row.receipt_at }
      : null;
  return {
    id: row.id,
    tokenHash: row.token_hash,
    groupId: row.group_id,
    // Written by this module from schema-validated messages, so the stored JSON is trusted.
    info: JSON.parse(row.info_json) as AgentInfo,
    enrolledAt: row.enrolled_at,
    lastSeenAt: row.last_seen_at,
    online: row.online !== 0,
    revokedAt: row.revoked_at,
    policySerial: row.policy_serial,
    capabilities: row.capabilities_json === null ? null : (JSON.parse(row.capabilities_json) as CapabilityReport),
    ackedSeq: row.acked_seq,
    lastReceipt,
  };
}

/**
 * Agents table on PostgreSQL. Same behaviour as the SQLite repository, plus `online_node`: the
 * node holding an agent's connection, so going offline (a disconnect, a node's start-up) only ever
 * concerns the agents of the node that says so.
 */
export function pgAgentRepository(sql: PgStatements, nodeId: string): AgentRepository {
  return {
    async insert(agent) {
      await sql.run(
        'INSERT INTO agents (id, token_hash, group_id, enroll_secret_id, info_json, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)',
        [agent.id, agent.tokenHash, agent.groupId, agent.enrollSecretId, JSON.stringify(agent.info), agent.enrolledAt],
      );
    },
    async findById(id) {
      const row = await sql.get<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE id = ?`, [id]);
      return row ? toAgent(row) : undefined;
    },
    async list(filter) {
      const where: string[] = [];
      const params: SqlParam[] = [];
      if (filter.online !== undefined) {
        where.push('online = ?');
        params.push(filter.online ? 1 : 0);
      }
      if (filter.groupId !== undefined) {
        where.push('group_id = ?');
        params.push(filter.groupId);
      }
      if (filter.activeOnly === true) where.push('revoked_at IS NULL');
      if (filter.search !== undefined) {
        // ILIKE: case-insensitive like SQLite's LIKE; the pattern's own wildcards are escaped.
        const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        // jsonb refuses the escape \u0000, which the free-text user name may carry.
        const info = "(replace(info_json, '\\u0000', '\\ufffd')::jsonb)";
        where.push(`((${info} ->> 'hostname') ILIKE ? ESCAPE '\\' OR (${info} ->> 'user') ILIKE ? ESCAPE '\\')`);
        params.push(pattern, pattern);
      }
      if (filter.afterId !== undefined) {
        where.push('id > ?');
        params.push(filter.afterId);
      }
      params.push(filter.limit);
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const rows = await sql.all<AgentRow>(`SELECT ${COLUMNS} FROM agents ${clause} ORDER BY id LIMIT ?`, params);
      return rows.map(toAgent);
    },
    async recordHello(id, hello) {
      const params: SqlParam[] = [JSON.stringify(hello.info), hello.policySerial, hello.seenAt, nodeId];
      let capabilities = '';
      if (hello.capabilities) {
        capabilities = ', capabilities_json = ?';
        params.push(JSON.stringify(hello.capabilities));
      }
      params.push(id);
      await sql.run(`UPDATE agents SET info_json = ?, policy_serial = ?, last_seen_at = ?, online = 1, online_node = ?${capabilities} WHERE id = ?`, params);
    },
    async setOffline(id) {
      // A late disconnect on this node must not undo a reconnection the agent made to another one.
      await sql.run('UPDATE agents SET online = 0 WHERE id = ? AND online_node = ?', [id, nodeId]);
    },
    async setAllOffline() {
      // Only this node's connections died with it; other nodes still serve theirs.
      await sql.run('UPDATE agents SET online = 0 WHERE online <> 0 AND online_node = ?', [nodeId]);
    },
    async touch(id, seenAt) {
      await sql.run('UPDATE agents SET last_seen_at = ? WHERE id = ?', [seenAt, id]);
    },
    async recordCapabilities(id, capabilities, seenAt) {
      await sql.run('UPDATE agents SET capabilities_json = ?, last_seen_at = ? WHERE id = ?', [JSON.stringify(capabilities), seenAt, id]);
    },
    async recordPolicyReceipt(id, receipt) {
      // An applied receipt also tells us what the agent enforces now.
      await sql.run(
        `UPDATE agents SET receipt_serial = ?, receipt_hash = ?, receipt_status = ?, receipt_error = ?, receipt_at = ?, last_seen_at = ?,
                policy_serial = CASE WHEN ? = 'applied' THEN ? ELSE policy_serial END
          WHERE id = ?`,
        [receipt.serial, receipt.hash, receipt.status, receipt.error, receipt.receivedAt, receipt.receivedAt, receipt.status, receipt.serial, id],
      );
    },
    async advanceAckedSeqs(updates, seenAt) {
      if (updates.size === 0) return;
      // Two arrays instead of a VALUES list: one statement text whatever the number of agents.
      await sql.run(
        `UPDATE agents SET acked_seq = GREATEST(agents.acked_seq, v.up_to), last_seen_at = ?
           FROM unnest(?::text[], ?::bigint[]) AS v (id, up_to)
          WHERE agents.id = v.id`,
        [seenAt, [...updates.keys()], [...updates.values()]],
      );
    },
    async revoke(id, revokedAt) {
      const result = await sql.run('UPDATE agents SET revoked_at = ?, online = 0 WHERE id = ? AND revoked_at IS NULL', [revokedAt, id]);
      return result.changes > 0;
    },
    async delete(id) {
      return (await sql.run('DELETE FROM agents WHERE id = ?', [id])).changes > 0;
    },
    async setGroup(id, groupId) {
      return (await sql.run('UPDATE agents SET group_id = ? WHERE id = ?', [groupId, id])).changes > 0;
    },
    async countActiveByGroup() {
      const rows = await sql.all<{ group_id: string; n: number }>('SELECT group_id, COUNT(*) AS n FROM agents WHERE revoked_at IS NULL GROUP BY group_id');
      return new Map(rows.map((r) => [r.group_id, r.n]));
    },
  };
}
