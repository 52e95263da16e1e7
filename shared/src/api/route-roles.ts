import type { Role } from './rest';

/**
 * Which roles may use each family of routes. The console server authorises its endpoints with
 * these lists and the web UI shows pages, menu entries and buttons by the same ones, so the two can
 * never disagree about who sees what (a page the server would answer with 403 is not offered).
 */
export const ROUTE_ROLES = {
  /** Agents, events (search, live stream, reports, CSV export), exceptions, fired alerts and rules, triage state; metrics. */
  monitoring: ['admin', 'officer', 'auditor'],
  /** One's own account: who am I, change my password. */
  account: ['admin', 'officer', 'auditor'],
  /** The audit log (browse, verify, export): admins, and auditors who read everything and change nothing. */
  audit: ['admin', 'auditor'],
  /** Configuration, read only: policies, drafts and versions, groups and rollout, alert destinations and delivery, report schedules. */
  configurationView: ['admin', 'auditor'],
  /** Filing, approving, denying and revoking exceptions; issuing unlock codes: officers' work (admins may too). */
  exceptionDecisions: ['admin', 'officer'],
  /** Setting the triage state of events. */
  triage: ['admin', 'officer'],
  /** Asking an agent to scan a folder for customer data at rest (issue 16): officers' work (admins may too). */
  contentScans: ['admin', 'officer'],
  /** Every change to configuration, users, API tokens, enrollment and settings. */
  administration: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type RouteFamily = keyof typeof ROUTE_ROLES;

/** Whether `role` (undefined: nobody signed in) may use the routes of `family`. */
export function roleMay(family: RouteFamily, role: Role | undefined): boolean {
  const roles: readonly Role[] = ROUTE_ROLES[family];
  return role !== undefined && roles.includes(role);
}
