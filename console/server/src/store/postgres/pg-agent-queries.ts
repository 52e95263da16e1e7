import { sqlAgentRepository } from '../sql/agent-queries';
import type { AgentRepository } from '../store';
import type { PgStatements } from './pg-statements';

// jsonb refuses the escape \u0000, which the free-text user name may carry; ILIKE matches SQLite's
// case-insensitive LIKE.
const INFO = "(replace(info_json, '\\u0000', '\\ufffd')::jsonb)";
const PG_AGENT_SEARCH = `((${INFO} ->> 'hostname') ILIKE ? ESCAPE '\\' OR (${INFO} ->> 'user') ILIKE ? ESCAPE '\\')`;
/** The capability fields the fleet overview reads (AgentSql.capabilityFields); notes may carry NUL as INFO may. */
const CAPS = "(replace(capabilities_json, '\\u0000', '\\ufffd')::jsonb)";
const PG_CAPABILITY_FIELDS = [
  `${CAPS} #>> '{apps,method}' AS apps_method`,
  `${CAPS} #>> '{apps,failMode}' AS fail_mode`,
  `${CAPS} #>> '{apps,helper,running}' AS helper_running`,
  `${CAPS} #>> '{usb,method}' AS usb_method`,
  `${CAPS} #>> '{screen,captureToolBlocking}' AS capture_tools`,
  `${CAPS} #>> '{hardening}' AS hardening`,
].join(', ');

/**
 * Agents table on PostgreSQL: the portable queries with this node's id (`online_node`), plus bulk
 * acked-seq updates through unnest.
 */
export function pgAgentRepository(sql: PgStatements, nodeId: string): AgentRepository {
  return {
    ...sqlAgentRepository(sql, { searchClause: PG_AGENT_SEARCH, capabilityFields: PG_CAPABILITY_FIELDS, nodeId }),
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
