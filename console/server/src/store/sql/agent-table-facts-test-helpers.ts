import type { AgentInfo, CapabilityReport } from '@dlp/shared';
import type { SqlParam } from '@dlp/shared/node';
import { capabilityFacts, infoFacts } from './agent-table-facts';

// Migration 69's back-fill, checked on both engines (sqlite-store.test.ts, postgres-store.test.ts):
// agents stored before it, in every capability state, must get the facts the console itself writes.

const HEALTHY: CapabilityReport = {
  apps: { method: 'fanotify', preExec: true, failMode: 'closed', helper: { running: true, restarts: 0, timeouts: 0, cacheHitRate: 0.9 } },
  usb: { method: 'sysfs-authorized', mountGuard: true },
  screen: { captureToolBlocking: true, windowCaptureExclusion: false },
  notes: [],
};

/** One report per verdict the conditions read, and an agent that never reported. */
const REPORTS: readonly (CapabilityReport | null)[] = [
  HEALTHY,
  { ...HEALTHY, apps: { ...HEALTHY.apps, failMode: 'open' } },
  // Helper stopped; a note with NUL, which PostgreSQL's jsonb refuses unescaped.
  { ...HEALTHY, apps: { ...HEALTHY.apps, helper: { running: false, restarts: 3, timeouts: 0, cacheHitRate: 0 } }, notes: ['exited\u0000'] },
  { ...HEALTHY, apps: { method: 'fanotify', preExec: true, failMode: 'open' } },
  { ...HEALTHY, hardening: [{ switch: 'memfdNoexec', requested: true, state: 'unavailable', value: null }] },
  { ...HEALTHY, hardening: [{ switch: 'memfdNoexec', requested: false, state: 'failed', value: null }] },
  { ...HEALTHY, apps: { method: 'proc-scan', preExec: false, failMode: 'open' } },
  { ...HEALTHY, screen: { captureToolBlocking: false, windowCaptureExclusion: false } },
  { ...HEALTHY, usb: { method: 'none', mountGuard: false } },
  { apps: { method: 'none', preExec: false, failMode: 'closed' }, usb: { method: 'none', mountGuard: false }, screen: { captureToolBlocking: false, windowCaptureExclusion: false }, notes: [] },
  null,
];

/** Host and user names in mixed case (ASCII: SQLite's lower() folds only that), CJK, none, NUL. */
const USERS: readonly (string | null)[] = ['Alice', null, '张伟', 'BOB\u0000', 'carol'];

export interface LegacyAgent {
  id: string;
  info: AgentInfo;
  capabilities: CapabilityReport | null;
}

/** Agents as an older console stored them, in group `default`, one per report. */
export function legacyAgents(): LegacyAgent[] {
  return REPORTS.map((capabilities, i) => ({
    id: `0190a5b4-0000-7000-8000-${String(i).padStart(12, '0')}`,
    info: { hostname: `WS-Legacy-${i}`, os: i % 2 === 0 ? 'linux' : 'windows', osVersion: i % 2 === 0 ? 'Bookworm 12' : '11', agentVersion: `0.${i}.0-RC`, user: USERS[i % USERS.length] ?? null },
    capabilities,
  }));
}

/** The INSERT of a legacy agent, with `?` placeholders, in the columns every version had. */
export function legacyAgentInsert(agent: LegacyAgent): { sql: string; values: SqlParam[] } {
  return {
    sql: 'INSERT INTO agents (id, token_hash, group_id, enroll_secret_id, info_json, enrolled_at, capabilities_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
    values: [agent.id, 'ab'.repeat(32), 'default', 'x', JSON.stringify(agent.info), '2026-01-01T00:00:00.000Z', agent.capabilities === null ? null : JSON.stringify(agent.capabilities)],
  };
}

/** The facts columns migration 69 added, read back by `factsSql`. */
export const FACTS_SQL = 'SELECT id, host_key, user_key, os_key, version_key, os_name, enforces_nothing, fails_open, degraded FROM agents ORDER BY id';

/** What FACTS_SQL must read for these agents: the values the console writes at a hello. */
export function expectedFacts(agents: readonly LegacyAgent[]): Record<string, SqlParam>[] {
  return agents.map((agent) => {
    const [hostKey, userKey, osKey, versionKey, osName] = infoFacts(agent.info).params;
    // An agent that never reported: the columns' defaults.
    const [enforcesNothing, failsOpen, degraded] = agent.capabilities === null ? [1, 0, 0] : capabilityFacts(agent.capabilities).params;
    return {
      id: agent.id,
      host_key: hostKey ?? null,
      user_key: userKey ?? null,
      os_key: osKey ?? null,
      version_key: versionKey ?? null,
      os_name: osName ?? null,
      enforces_nothing: enforcesNothing ?? null,
      fails_open: failsOpen ?? null,
      degraded: degraded ?? null,
    };
  });
}
