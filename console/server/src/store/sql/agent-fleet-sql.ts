import { FLEET_WINDOW_MS, type AgentCondition, type AgentSortKey } from '@dlp/shared';
import type { SqlParam } from '@dlp/shared/node';
import type { FleetContext } from '../agent-store';

// The fleet conditions and the table's sort keys in SQL: each one spells, over the agents' columns
// (migration 69's facts included) and the group view, the predicate of @dlp/shared
// (`meetsCondition`, `policyState`) or the sort key of agents/agent-fleet-view.ts. The store suites
// check every condition and sort against the in-memory definition on a fleet in every state.

/** A fragment of SQL and its `?` parameters, in text order; `readsGroups`: it needs `fleet_groups`. */
export interface SqlPiece {
  sql: string;
  params: SqlParam[];
  readsGroups?: boolean;
}

/**
 * `fleet_groups`: each group's expected policy serial and its rank in the group-name order, joined
 * to the agents as `LEFT JOIN fleet_groups ON view_group_id = group_id`. Groups are few: values.
 */
export function fleetGroupsCte(context: FleetContext): SqlPiece {
  const head = 'fleet_groups (view_group_id, expected_serial, name_rank) AS';
  if (context.groups.length === 0) {
    return { sql: `${head} (SELECT CAST(NULL AS TEXT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) WHERE 1 = 0)`, params: [] };
  }
  const params: SqlParam[] = [];
  for (const group of context.groups) params.push(group.id, group.expectedSerial, group.nameRank);
  // The casts give PostgreSQL the types of the parameters (it would take them as text).
  const row = '(?, CAST(? AS BIGINT), CAST(? AS BIGINT))';
  return { sql: `${head} (VALUES ${context.groups.map(() => row).join(', ')})`, params };
}

// policyState: no expected serial is no-policy; the expected one is in sync; otherwise a rejected
// newest receipt is refused, anything else pending.
const HAS_EXPECTED = 'expected_serial IS NOT NULL';
const IN_SYNC = `(${HAS_EXPECTED} AND policy_serial IS NOT NULL AND policy_serial = expected_serial)`;
const OFF_EXPECTED = `(${HAS_EXPECTED} AND (policy_serial IS NULL OR policy_serial <> expected_serial))`;
const RECEIPT_REJECTED = "(receipt_serial IS NOT NULL AND receipt_status IS NOT NULL AND receipt_status = 'rejected')";
const POLICY_REJECTED = `(${OFF_EXPECTED} AND ${RECEIPT_REJECTED})`;
const POLICY_PENDING = `(${OFF_EXPECTED} AND NOT ${RECEIPT_REJECTED})`;

/** Agents with incident events since a time: the partial index's own condition (migration 66), verbatim. */
function incidentAgents(incidentEventsSql: string, kind: 'tamper' | 'bypass', sinceMs: number): SqlPiece {
  const which = kind === 'bypass' ? "type = 'bypass'" : "type <> 'bypass'";
  return { sql: `id IN (SELECT agent_id FROM events WHERE occurred_at_ms >= ? AND (${incidentEventsSql}) AND ${which})`, params: [sinceMs] };
}

/**
 * `meetsCondition(condition, agent, nowMs)` as a predicate over `agents LEFT JOIN fleet_groups`.
 * Revoked agents meet none: the caller adds `revoked_at IS NULL`.
 */
export function conditionSql(condition: AgentCondition, nowMs: number, incidentEventsSql: string): SqlPiece {
  switch (condition) {
    case 'compliant':
      return { sql: `(${IN_SYNC} AND online <> 0 AND enforces_nothing = 0 AND fails_open = 0)`, params: [], readsGroups: true };
    case 'policy-pending':
      return { sql: POLICY_PENDING, params: [], readsGroups: true };
    case 'policy-failed':
      return { sql: POLICY_REJECTED, params: [], readsGroups: true };
    case 'offline-24h':
      // Seen times are the console's own ISO strings (toISOString), so text order is time order.
      return { sql: '(online = 0 AND (last_seen_at IS NULL OR last_seen_at < ?))', params: [new Date(nowMs - FLEET_WINDOW_MS).toISOString()] };
    case 'fail-open':
      return { sql: 'fails_open <> 0', params: [] };
    case 'degraded':
      return { sql: 'degraded <> 0', params: [] };
    case 'tamper-24h':
      return incidentAgents(incidentEventsSql, 'tamper', nowMs - FLEET_WINDOW_MS);
    case 'bypass-24h':
      return incidentAgents(incidentEventsSql, 'bypass', nowMs - FLEET_WINDOW_MS);
  }
}

/** POLICY_RANK of agent-fleet-view.ts: rejected, pending, no policy, in sync. */
const POLICY_RANK_SQL = `CASE WHEN NOT ${HAS_EXPECTED} THEN 2 WHEN ${IN_SYNC} THEN 3 WHEN ${RECEIPT_REJECTED} THEN 0 ELSE 1 END`;

/**
 * The ORDER BY of a sorted table: the column's key in `order`, ties in id order (as `sortAgents`).
 * Text keys are sortedText columns (byte order on both engines); `unknownGroupRank` places agents
 * whose group is not in the view as an empty group name does.
 */
export function orderBySql(key: AgentSortKey, order: 'asc' | 'desc', context: FleetContext): SqlPiece {
  const dir = order === 'desc' ? 'DESC' : 'ASC';
  const by = (...keys: string[]): string => `${keys.map((k) => `${k} ${dir}`).join(', ')}, id ASC`;
  switch (key) {
    case 'host':
      return { sql: by('host_key'), params: [] };
    case 'os':
      return { sql: by('os_key'), params: [] };
    case 'user':
      return { sql: by('user_key'), params: [] };
    case 'version':
      return { sql: by('version_key'), params: [] };
    case 'group':
      return { sql: by('COALESCE(name_rank, CAST(? AS BIGINT))'), params: [context.unknownGroupRank], readsGroups: true };
    case 'status':
      // Online first, then offline, then revoked.
      return { sql: by('CASE WHEN revoked_at IS NOT NULL THEN 2 WHEN online <> 0 THEN 0 ELSE 1 END'), params: [] };
    case 'lastSeen':
      // Never seen sorts as time 0, before every seen time.
      return { sql: by('CASE WHEN last_seen_at IS NULL THEN 0 ELSE 1 END', 'last_seen_at'), params: [] };
    case 'policy':
      return { sql: by(POLICY_RANK_SQL), params: [], readsGroups: true };
  }
}

/**
 * `WITH fleet_groups … SELECT <select> FROM agents LEFT JOIN fleet_groups … <tail>` when a piece
 * reads the groups, else a plain `SELECT <select> FROM agents <tail>`: without the join SQLite
 * answers a sorted block from the sort key's index alone. `tail` follows FROM (WHERE, ORDER BY,
 * LIMIT); `pieces` are the fragments used in either; the parameters follow the text's order.
 */
export function selectFromAgents(select: SqlPiece, tail: SqlPiece, pieces: readonly SqlPiece[], context: FleetContext): SqlPiece {
  if (!pieces.some((piece) => piece.readsGroups === true)) return { sql: `SELECT ${select.sql} FROM agents ${tail.sql}`, params: [...select.params, ...tail.params] };
  const groups = fleetGroupsCte(context);
  return {
    sql: `WITH ${groups.sql} SELECT ${select.sql} FROM agents LEFT JOIN fleet_groups ON view_group_id = group_id ${tail.sql}`,
    params: [...groups.params, ...select.params, ...tail.params],
  };
}
