import {
  AGENT_CONDITIONS,
  meetsCondition,
  policyState,
  type AgentCondition,
  type AgentFleetFacts,
  type AgentQuery,
  type AgentSortKey,
  type AgentSummary,
  type PolicyState,
} from '@dlp/shared';

// The fleet view's definition in memory: condition and OS filters and sorting over whole agent
// summaries, by the shared predicates (`meetsCondition` in @dlp/shared). The CSV export reads the
// fleet this way; the table's blocks and the overview's counts are computed by the store in SQL
// (store/sql/agent-fleet-sql.ts), and the store suites check them against these functions.

const POLICY_RANK: Record<PolicyState, number> = { rejected: 0, pending: 1, 'no-policy': 2, 'in-sync': 3 };

/**
 * What sorting reads of an agent: an AgentSummary is one, and so is the table's lean row (the
 * identity and the condition facts, without the whole capability report).
 */
export type SortableAgent = AgentFleetFacts & Pick<AgentSummary, 'id' | 'info' | 'group'>;

/** Sort key of one agent for a column; strings compare by locale-independent code points after lower-casing. */
function sortValue(agent: SortableAgent, key: AgentSortKey): string | number {
  switch (key) {
    case 'host':
      return agent.info.hostname.toLowerCase();
    case 'os':
      return `${agent.info.os} ${agent.info.osVersion}`.toLowerCase();
    case 'user':
      return (agent.info.user ?? '').toLowerCase();
    case 'group':
      return (agent.group?.name ?? '').toLowerCase();
    case 'version':
      return agent.info.agentVersion;
    case 'status':
      // Online first, then offline, then revoked.
      return agent.revoked ? 2 : agent.online ? 0 : 1;
    case 'lastSeen':
      return agent.lastSeenAt === null ? 0 : Date.parse(agent.lastSeenAt);
    case 'policy':
      return POLICY_RANK[policyState(agent)];
  }
}

function compare(a: string | number, b: string | number): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** Sorted copy; ties keep id order (enrollment order), so pages are stable. */
export function sortAgents<T extends SortableAgent>(agents: readonly T[], key: AgentSortKey, order: 'asc' | 'desc'): T[] {
  const sign = order === 'desc' ? -1 : 1;
  const keyed = agents.map((agent) => ({ agent, value: sortValue(agent, key) }));
  keyed.sort((x, y) => sign * compare(x.value, y.value) || compare(x.agent.id, y.agent.id));
  return keyed.map((k) => k.agent);
}

/** Agents meeting the query's condition and OS (the filters the store does not apply). */
export function filterAgents<T extends AgentFleetFacts & Pick<AgentSummary, 'info'>>(agents: readonly T[], query: Pick<AgentQuery, 'condition' | 'os'>, nowMs: number): T[] {
  return agents.filter(
    (agent) => (query.os === undefined || agent.info.os === query.os) && (query.condition === undefined || meetsCondition(query.condition, agent, nowMs)),
  );
}

/** Non-revoked agents, and how many meet each condition: the overview by definition (the store counts in SQL). */
export function countConditions(agents: readonly AgentFleetFacts[], nowMs: number): { total: number; counts: Record<AgentCondition, number> } {
  const counts = Object.fromEntries(AGENT_CONDITIONS.map((c) => [c, 0])) as Record<AgentCondition, number>;
  let total = 0;
  for (const agent of agents) {
    if (agent.revoked) continue;
    total++;
    for (const condition of AGENT_CONDITIONS) if (meetsCondition(condition, agent, nowMs)) counts[condition]++;
  }
  return { total, counts };
}

/** Whether a query asks for the fleet view (sorted, filtered by condition or OS, offset paging). */
export function wantsFleetView(query: AgentQuery): boolean {
  return query.condition !== undefined || query.os !== undefined || query.sort !== undefined || query.offset !== undefined;
}
