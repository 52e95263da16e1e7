import { degradedControls, enforcesNothing, failsOpen, type AgentInfo, type CapabilityReport } from '@dlp/shared';
import type { SqlParam } from '@dlp/shared/node';

// The agent table's facts as columns (migration 69): sort keys written from the agent's info and
// capability verdicts written from the shared predicates, so SQL filters and sorts by plain columns
// exactly as the in-memory definition does (agents/agent-fleet-view.ts), on either engine.

/** Sort keys and the OS of an agent's info, as the table's in-memory sort computes them. */
export function infoFacts(info: AgentInfo): { columns: string; params: SqlParam[] } {
  return {
    columns: 'host_key = ?, user_key = ?, os_key = ?, version_key = ?, os_name = ?',
    params: [info.hostname.toLowerCase(), (info.user ?? '').toLowerCase(), `${info.os} ${info.osVersion}`.toLowerCase(), info.agentVersion, info.os],
  };
}

/** The capability verdicts the fleet conditions read, by the shared predicates themselves. */
export function capabilityFacts(report: CapabilityReport): { columns: string; params: SqlParam[] } {
  return {
    columns: 'enforces_nothing = ?, fails_open = ?, degraded = ?',
    params: [enforcesNothing(report) ? 1 : 0, failsOpen(report) ? 1 : 0, degradedControls(report) ? 1 : 0],
  };
}

/** The values of `infoFacts` for an INSERT: the column names and their parameters. */
export function infoFactsForInsert(info: AgentInfo): { names: string; params: SqlParam[] } {
  return { names: 'host_key, user_key, os_key, version_key, os_name', params: infoFacts(info).params };
}
