import { AGENT_CONDITIONS, TAMPER_EVENT_TYPES, type AgentCondition, type AgentInfo, type CapabilityReport } from '@dlp/shared';
import type { SqlParam, SqlStatements } from '@dlp/shared/node';
import type { AgentClockRecord, AgentIncidents, AgentListFilter, AgentRecord, AgentRepository, PolicyReceiptRecord } from '../store';
import { conditionSql, orderBySql, selectFromAgents, type SqlPiece } from './agent-fleet-sql';
import { capabilityFacts, infoFacts, infoFactsForInsert } from './agent-table-facts';

/** A row of the agents table. */
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
  group_serial: number | string;
  clock_offset_ms: number | string | null;
  clock_measured_at: string | null;
}

const AGENT_COLUMNS =
  'id, token_hash, group_id, group_serial, info_json, enrolled_at, last_seen_at, online, revoked_at, policy_serial, ' +
  'capabilities_json, acked_seq, receipt_serial, receipt_hash, receipt_status, receipt_error, receipt_at, clock_offset_ms, clock_measured_at';

function toAgent(row: AgentRow): AgentRecord {
  const lastReceipt: PolicyReceiptRecord | null =
    row.receipt_serial !== null && row.receipt_hash !== null && row.receipt_status !== null && row.receipt_at !== null
      ? { serial: row.receipt_serial, hash: row.receipt_hash, status: row.receipt_status, error: row.receipt_error, receivedAt: row.receipt_at }
      : null;
  return {
    id: row.id,
    tokenHash: row.token_hash,
    groupId: row.group_id,
    // PostgreSQL returns BIGINT as a string.
    groupSerial: Number(row.group_serial),
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
    // PostgreSQL returns BIGINT as a string.
    clock: row.clock_offset_ms !== null && row.clock_measured_at !== null ? { offsetMs: Number(row.clock_offset_ms), measuredAt: row.clock_measured_at } : null,
  };
}

/** `, clock_offset_ms = ?, clock_measured_at = ?` with its parameters when there is a clock to store. */
export function clockAssignment(params: SqlParam[], clock: AgentClockRecord | undefined): string {
  if (clock === undefined) return '';
  params.push(clock.offsetMs, clock.measuredAt);
  return ', clock_offset_ms = ?, clock_measured_at = ?';
}

/**
 * Tamper events (`TAMPER_EVENT_TYPES` of @dlp/shared with action blocked: a refused policy or
 * exception) and bypass events. Verbatim the condition of the partial index `events_incidents`
 * (migration 66); a test checks the two agree.
 */
export const INCIDENT_EVENTS_SQL = `type = 'bypass' OR (type IN (${TAMPER_EVENT_TYPES.map((t) => `'${t}'`).join(', ')}) AND action = 'blocked')`;

/** What the agents queries need to know of the engine and the console node. */
export interface AgentSql {
  /** The agents list's free-text condition on the host and user names in info_json, with two `?` for the escaped `%pattern%`. */
  searchClause: string;
  /**
   * Several nodes on one PostgreSQL: this node's id, stored in `online_node` of the agents that say
   * hello to it, so going offline (a disconnect, a node's start-up) only ever concerns its own agents.
   * Absent on SQLite, a one-node console.
   */
  nodeId?: string;
}

/**
 * Agents table: identity, hashed token, what the agent last reported, ingest progress. The queries
 * are portable; `engine` holds the engine-specific pieces.
 */
export function sqlAgentRepository(sql: SqlStatements, engine: AgentSql): AgentRepository {
  const { searchClause, nodeId } = engine;
  const ofThisNode = nodeId !== undefined ? ' AND online_node = ?' : '';
  /** The list's conditions: online, group, active only, and the search on host and user names. */
  const filterClause = (filter: Omit<AgentListFilter, 'afterId' | 'limit'>): { where: string[]; params: SqlParam[] } => {
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
      // The pattern's own wildcards are escaped.
      const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(searchClause);
      params.push(pattern, pattern);
    }
    return { where, params };
  };
  const nodeParam: SqlParam[] = nodeId !== undefined ? [nodeId] : [];
  /** The agents with these ids, in no particular order; unknown ids are left out. */
  const findByIds = async (ids: readonly string[]): Promise<AgentRecord[]> => {
    const found: AgentRecord[] = [];
    // A few hundred placeholders per statement at most (SQLite's limit is far above).
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      const rows = await sql.all<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE id IN (${chunk.map(() => '?').join(', ')})`, [...chunk]);
      found.push(...rows.map(toAgent));
    }
    return found;
  };
  return {
    async insert(agent) {
      const facts = infoFactsForInsert(agent.info);
      await sql.run(
        `INSERT INTO agents (id, token_hash, group_id, enroll_secret_id, info_json, enrolled_at, ${facts.names}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [agent.id, agent.tokenHash, agent.groupId, agent.enrollSecretId, JSON.stringify(agent.info), agent.enrolledAt, ...facts.params],
      );
    },
    async findById(id) {
      const row = await sql.get<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE id = ?`, [id]);
      return row ? toAgent(row) : undefined;
    },
    async list(filter) {
      const { where, params } = filterClause(filter);
      if (filter.afterId !== undefined) {
        where.push('id > ?');
        params.push(filter.afterId);
      }
      params.push(filter.limit);
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const rows = await sql.all<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents ${clause} ORDER BY id LIMIT ?`, params);
      return rows.map(toAgent);
    },
    async tablePage(query, context) {
      const { where, params } = filterClause(query);
      const pieces: SqlPiece[] = [];
      if (query.os !== undefined) {
        where.push('os_name = ?');
        params.push(query.os);
      }
      if (query.condition !== undefined) {
        const condition = conditionSql(query.condition, context.nowMs, INCIDENT_EVENTS_SQL);
        pieces.push(condition);
        where.push('revoked_at IS NULL', condition.sql);
        params.push(...condition.params);
      }
      const order: SqlPiece = query.sort === undefined ? { sql: 'id', params: [] } : orderBySql(query.sort, query.order, context);
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      // The block's ids first, from the narrow sort (an index walk when the key has one), then
      // their whole rows; the total apart (a window over the block's query would read every row).
      const blockTail = { sql: `${clause} ORDER BY ${order.sql} LIMIT ? OFFSET ?`, params: [...params, ...order.params, query.limit, query.offset] };
      const block = selectFromAgents({ sql: 'id', params: [] }, blockTail, [...pieces, order], context);
      const count = selectFromAgents({ sql: 'COUNT(*) AS n', params: [] }, { sql: clause, params }, pieces, context);
      const [ids, counted] = await Promise.all([sql.all<{ id: string }>(block.sql, block.params), sql.get<{ n: number | string }>(count.sql, count.params)]);
      const rows = new Map((await findByIds(ids.map((row) => row.id))).map((agent) => [agent.id, agent]));
      // Removed between the two reads: left out of this block.
      const agents = ids.flatMap(({ id }) => rows.get(id) ?? []);
      // PostgreSQL returns COUNT as a bigint string.
      return { agents, total: Number(counted?.n ?? 0) };
    },
    async recordHello(id, hello) {
      const info = infoFacts(hello.info);
      const params: SqlParam[] = [JSON.stringify(hello.info), hello.policySerial, hello.seenAt, ...nodeParam, ...info.params];
      let assignments = `${nodeId !== undefined ? ', online_node = ?' : ''}, ${info.columns}`;
      if (hello.capabilities) {
        const verdicts = capabilityFacts(hello.capabilities);
        assignments += `, capabilities_json = ?, ${verdicts.columns}`;
        params.push(JSON.stringify(hello.capabilities), ...verdicts.params);
      }
      assignments += clockAssignment(params, hello.clock);
      params.push(id);
      await sql.run(`UPDATE agents SET info_json = ?, policy_serial = ?, last_seen_at = ?, online = 1${assignments} WHERE id = ?`, params);
    },
    async setOffline(id) {
      // A late disconnect on this node must not undo a reconnection the agent made to another one.
      await sql.run(`UPDATE agents SET online = 0 WHERE id = ?${ofThisNode}`, [id, ...nodeParam]);
    },
    async setAllOffline() {
      // Only this node's connections died with it; other nodes still serve theirs.
      await sql.run(`UPDATE agents SET online = 0 WHERE online <> 0${ofThisNode}`, nodeParam);
    },
    async touch(id, seenAt, clock) {
      const params: SqlParam[] = [seenAt];
      const assignClock = clockAssignment(params, clock);
      params.push(id);
      await sql.run(`UPDATE agents SET last_seen_at = ?${assignClock} WHERE id = ?`, params);
    },
    async recordCapabilities(id, capabilities, seenAt) {
      const verdicts = capabilityFacts(capabilities);
      await sql.run(`UPDATE agents SET capabilities_json = ?, ${verdicts.columns}, last_seen_at = ? WHERE id = ?`, [JSON.stringify(capabilities), ...verdicts.params, seenAt, id]);
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
      // UPDATE … FROM (VALUES …) names the columns column1, column2 in SQLite.
      const params: SqlParam[] = [seenAt];
      for (const [id, { upTo, ifAckedAtLeast }] of updates) params.push(id, upTo, ifAckedAtLeast);
      await sql.run(
        `UPDATE agents SET acked_seq = MAX(acked_seq, v.column2), last_seen_at = ?
           FROM (VALUES ${Array.from(updates.keys(), () => '(?, ?, ?)').join(', ')}) AS v
          WHERE agents.id = v.column1 AND agents.acked_seq >= v.column3`,
        params,
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
      // Every move counts: the signed group assignment's serial is the agent's anti-rollback mark.
      return (await sql.run('UPDATE agents SET group_id = ?, group_serial = group_serial + 1 WHERE id = ?', [groupId, id])).changes > 0;
    },
    async countActiveByGroup() {
      const rows = await sql.all<{ group_id: string; n: number }>('SELECT group_id, COUNT(*) AS n FROM agents WHERE revoked_at IS NULL GROUP BY group_id');
      return new Map(rows.map((r) => [r.group_id, r.n]));
    },
    async incidentsSince(sinceMs) {
      // Written with literals, verbatim the partial index's condition (migration 66), so both
      // planners answer from that small index. No GROUP BY: SQLite would then walk the whole table
      // in agent order (the (agent_id, seq) index) to skip a sort; the rows are few, folded here.
      const rows = await sql.all<{ agent_id: string; type: string }>(`SELECT agent_id, type FROM events WHERE occurred_at_ms >= ? AND (${INCIDENT_EVENTS_SQL})`, [sinceMs]);
      const incidents = new Map<string, AgentIncidents>();
      for (const row of rows) {
        const seen = incidents.get(row.agent_id) ?? { tamper: false, bypass: false };
        if (row.type === 'bypass') seen.bypass = true;
        else seen.tamper = true;
        incidents.set(row.agent_id, seen);
      }
      return incidents;
    },
    async countConditions(context) {
      const conditions = AGENT_CONDITIONS.map((condition) => conditionSql(condition, context.nowMs, INCIDENT_EVENTS_SQL));
      const sums = conditions.map((piece, i) => `SUM(CASE WHEN ${piece.sql} THEN 1 ELSE 0 END) AS c${i}`);
      const select = { sql: `COUNT(*) AS total, ${sums.join(', ')}`, params: conditions.flatMap((piece) => piece.params) };
      const query = selectFromAgents(select, { sql: 'WHERE revoked_at IS NULL', params: [] }, conditions, context);
      const row = await sql.get<Record<string, number | string | null>>(query.sql, query.params);
      // PostgreSQL returns COUNT and SUM as bigint strings; SUM over no row is NULL.
      const counts = Object.fromEntries(AGENT_CONDITIONS.map((condition, i) => [condition, Number(row?.[`c${i}`] ?? 0)])) as Record<AgentCondition, number>;
      return { total: Number(row?.total ?? 0), counts };
    },
  };
}
