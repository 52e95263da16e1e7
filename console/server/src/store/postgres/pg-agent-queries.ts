import { sqlAgentRepository } from '../sql/agent-queries';
import type { AgentRepository } from '../store';
import type { PgStatements } from './pg-statements';

// jsonb refuses the escape \u0000, which the free-text user name may carry; ILIKE matches SQLite's
// case-insensitive LIKE.
const INFO = "(replace(info_json, '\\u0000', '\\ufffd')::jsonb)";
const PG_AGENT_SEARCH = `((${INFO} ->> 'hostname') ILIKE ? ESCAPE '\\' OR (${INFO} ->> 'user') ILIKE ? ESCAPE '\\')`;

/**
 * Agents table on PostgreSQL: the portable queries with this node's id (`online_node`), plus bulk
 * acked-seq updates through unnest.
 */
export function pgAgentRepository(sql: PgStatements, nodeId: string): AgentRepository {
  return {
    ...sqlAgentRepository(sql, { searchClause: PG_AGENT_SEARCH, nodeId }),
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
