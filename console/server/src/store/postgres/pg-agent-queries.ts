import type { SqlParam } from '@dlp/shared/node';
import { clockAssignment, sqliteAgentRepository } from '../sqlite/agent-queries';
import type { AgentRepository } from '../store';
import type { PgStatements } from './pg-statements';

// jsonb refuses the escape \u0000, which the free-text user name may carry; ILIKE matches SQLite's
// case-insensitive LIKE.
const INFO = "(replace(info_json, '\\u0000', '\\ufffd')::jsonb)";
const PG_AGENT_SEARCH = `((${INFO} ->> 'hostname') ILIKE ? ESCAPE '\\' OR (${INFO} ->> 'user') ILIKE ? ESCAPE '\\')`;

/**
 * Agents table on PostgreSQL: the SQLite repository's portable queries, plus `online_node`: the
 * node holding an agent's connection, so going offline (a disconnect, a node's start-up) only ever
 * concerns the agents of the node that says so.
 */
export function pgAgentRepository(sql: PgStatements, nodeId: string): AgentRepository {
  return {
    ...sqliteAgentRepository(sql, PG_AGENT_SEARCH),
    async recordHello(id, hello) {
      const params: SqlParam[] = [JSON.stringify(hello.info), hello.policySerial, hello.seenAt, nodeId];
      let capabilities = '';
      if (hello.capabilities) {
        capabilities = ', capabilities_json = ?';
        params.push(JSON.stringify(hello.capabilities));
      }
      capabilities += clockAssignment(params, hello.clock);
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
    async advanceAckedSeqs(updates, seenAt) {
      if (updates.size === 0) return;
      // Two arrays instead of a VALUES list: one statement text whatever the number of agents.
      await sql.run(
        `UPDATE agents SET acked_seq = GREATEST(agents.acked_seq, v.up_to), last_seen_at = ?
           FROM unnest(?::text[], ?::bigint[], ?::bigint[]) AS v (id, up_to, if_acked_at_least)
          WHERE agents.id = v.id AND agents.acked_seq >= v.if_acked_at_least`,
        [seenAt, [...updates.keys()], [...updates.values()].map((u) => u.upTo), [...updates.values()].map((u) => u.ifAckedAtLeast)],
      );
    },
  };
}
