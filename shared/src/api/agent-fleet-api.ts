import { z } from 'zod';
import type { CapabilityReport, HardeningStatus } from '../schemas/agent-info';
import { timestamp } from '../schemas/primitives';

/**
 * The fleet overview's conditions (issue 17 item 1). Each one is a predicate over what the console
 * knows of an agent, written once here: the console counts agents by it (GET /api/v1/agents/overview)
 * and filters the agent list by it (GET /api/v1/agents?condition=…), so a count always equals the
 * rows of the list it opens; the web UI colours a row's state by the same functions.
 */
export const AGENT_CONDITIONS = ['compliant', 'policy-pending', 'policy-failed', 'offline-24h', 'fail-open', 'degraded', 'tamper-24h', 'bypass-24h'] as const;
export const agentCondition = z.enum(AGENT_CONDITIONS);
export type AgentCondition = z.infer<typeof agentCondition>;

/** How far back "offline for a day" and "tamper/bypass events in the last day" look. */
export const FLEET_WINDOW_MS = 24 * 3_600_000;

/**
 * Policy events the agent reports when it refuses something it was given (bad signature,
 * rollback, unsigned policy or exception): `type` policy or agent with action blocked. The alert
 * rule `policy-tampering` matches the same events.
 */
export const TAMPER_EVENT_TYPES = ['policy', 'agent'] as const;

/**
 * The parts of a capability report the predicates read: a whole CapabilityReport is one, and the
 * console's overview reads just these fields from the stored report (JSON functions in SQL) instead
 * of the whole text of every agent.
 */
export interface CapabilityFacts {
  apps: { method: CapabilityReport['apps']['method']; failMode: CapabilityReport['apps']['failMode']; helper?: { running: boolean } | undefined };
  usb: { method: CapabilityReport['usb']['method'] };
  screen: { captureToolBlocking: boolean };
  hardening?: readonly Pick<HardeningStatus, 'requested' | 'state'>[] | undefined;
}

/** What the predicates read of one agent (a subset of AgentSummary, plus its recent incidents). */
export interface AgentFleetFacts {
  online: boolean;
  revoked: boolean;
  lastSeenAt: string | null;
  /** Serial the agent last said it enforces. */
  policySerial: number | null;
  /** Serial its group expects (null: the group has no policy); undefined when unknown. */
  expectedPolicySerial?: number | null | undefined;
  lastPolicyReceipt?: { serial: number; status: 'applied' | 'rejected'; error: string | null } | null | undefined;
  capabilities: CapabilityFacts | null;
  /** Tamper (refused policy or exception) events from the agent in the last {@link FLEET_WINDOW_MS}. */
  tamperEvents24h?: boolean | undefined;
  /** Bypass events (blocked content found running) in the last {@link FLEET_WINDOW_MS}. */
  bypassEvents24h?: boolean | undefined;
}

/** The agent's policy against its group's: in sync, waiting for an answer, or refused. */
export type PolicyState = 'in-sync' | 'no-policy' | 'pending' | 'rejected';

export function policyState(agent: AgentFleetFacts): PolicyState {
  const expected = agent.expectedPolicySerial ?? null;
  if (expected === null) return 'no-policy';
  if (agent.policySerial === expected) return 'in-sync';
  // The newest receipt refused a serial the agent was sent: refused, not merely late.
  const receipt = agent.lastPolicyReceipt;
  if (receipt && receipt.status === 'rejected') return 'rejected';
  return 'pending';
}

/** No control is in force: not app control, not USB, not capture-tool blocking. */
export function enforcesNothing(report: CapabilityFacts | null): boolean {
  if (!report) return true;
  return report.apps.method === 'none' && report.usb.method === 'none' && !report.screen.captureToolBlocking;
}

/**
 * The agent judges programs before they start and lets them run when that judgment times out or
 * fails. (A /proc scanner judges after the start, so its fail mode changes nothing.)
 */
export function failsOpen(report: CapabilityFacts | null): boolean {
  return report !== null && report.apps.method === 'fanotify' && report.apps.failMode === 'open';
}

/**
 * A control is missing or weaker than it should be on this host: app control absent or only by
 * /proc scan, its pre-exec helper stopped, USB control absent, capture-tool blocking off, or a
 * hardening switch the policy asks for failed. Residual limits of the platform (window-capture
 * exclusion on Linux) are not problems of this host and do not count.
 */
export function degradedControls(report: CapabilityFacts | null): boolean {
  if (!report) return false;
  if (report.apps.method !== 'fanotify' || report.apps.helper?.running === false) return true;
  if (report.usb.method === 'none' || !report.screen.captureToolBlocking) return true;
  return (report.hardening ?? []).some((h) => h.requested && (h.state === 'failed' || h.state === 'unavailable'));
}

function offlineSince(agent: AgentFleetFacts, nowMs: number): boolean {
  if (agent.online) return false;
  if (agent.lastSeenAt === null) return true;
  return nowMs - Date.parse(agent.lastSeenAt) > FLEET_WINDOW_MS;
}

/** Whether a (non-revoked) agent meets `condition` at `nowMs`. Revoked agents meet none. */
export function meetsCondition(condition: AgentCondition, agent: AgentFleetFacts, nowMs: number): boolean {
  if (agent.revoked) return false;
  switch (condition) {
    case 'compliant':
      return policyState(agent) === 'in-sync' && agent.online && !enforcesNothing(agent.capabilities) && !failsOpen(agent.capabilities);
    case 'policy-pending':
      return policyState(agent) === 'pending';
    case 'policy-failed':
      return policyState(agent) === 'rejected';
    case 'offline-24h':
      return offlineSince(agent, nowMs);
    case 'fail-open':
      return failsOpen(agent.capabilities);
    case 'degraded':
      return degradedControls(agent.capabilities);
    case 'tamper-24h':
      return agent.tamperEvents24h === true;
    case 'bypass-24h':
      return agent.bypassEvents24h === true;
  }
}

/** GET /api/v1/agents/overview: non-revoked agents, and how many meet each condition at `at`. */
export const agentOverviewResponse = z.strictObject({
  at: timestamp,
  total: z.number().int().min(0),
  counts: z.strictObject(Object.fromEntries(AGENT_CONDITIONS.map((c) => [c, z.number().int().min(0)])) as Record<AgentCondition, z.ZodNumber>),
});
export type AgentOverviewResponse = z.infer<typeof agentOverviewResponse>;

/** Columns the agent list sorts by (GET /api/v1/agents?sort=…). */
export const AGENT_SORT_KEYS = ['host', 'os', 'user', 'group', 'version', 'status', 'lastSeen', 'policy'] as const;
export const agentSortKey = z.enum(AGENT_SORT_KEYS);
export type AgentSortKey = z.infer<typeof agentSortKey>;
