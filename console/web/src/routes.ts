import type { ComponentType } from 'react';
import { ROUTE_ROLES, type Role } from '@dlp/shared';
import type { NavItem } from './components/app-header';
import { ChangePasswordPage } from './pages/Account/change-password-page';
import { AgentsRoute } from './pages/Agents/agents-route';
import { AlertsPage } from './pages/Alerts/alerts-page';
import { AuditPage } from './pages/Audit/audit-page';
import { EventsPage } from './pages/Events/events-page';
import { EventSearchPage } from './pages/Events/event-search-page';
import { ReportsPage } from './pages/Reports/reports-page';
import { SettingsPage } from './pages/Settings/settings-page';
import { ExceptionsPage } from './pages/Exceptions/exceptions-page';
import { GroupsPage } from './pages/Groups/groups-page';
import { PoliciesPage } from './pages/Policies/policies-page';
import { UsersPage } from './pages/Users/users-page';

/**
 * A page of the signed-in console. `roles` are the roles the console lets read it: the entry of the
 * shared ROUTE_ROLES table the server authorises the page's reads with (hiding the rest keeps people
 * from pages that would only answer 403).
 * A route also owns every path below it (`/policies/<id>`), which the page reads itself.
 */
export interface RouteDefinition extends NavItem {
  Page: ComponentType;
  roles: readonly Role[];
  /** Reached from elsewhere (the header's account entry), not listed in the main navigation. */
  hiddenFromNav?: boolean;
}

export const ROUTES: readonly RouteDefinition[] = [
  { path: '/agents', labelKey: 'nav.agents', Page: AgentsRoute, roles: ROUTE_ROLES.monitoring },
  { path: '/events', labelKey: 'nav.events', Page: EventsPage, roles: ROUTE_ROLES.monitoring },
  { path: '/search', labelKey: 'nav.search', Page: EventSearchPage, roles: ROUTE_ROLES.monitoring },
  { path: '/reports', labelKey: 'nav.reports', Page: ReportsPage, roles: ROUTE_ROLES.monitoring },
  { path: '/exceptions', labelKey: 'nav.exceptions', Page: ExceptionsPage, roles: ROUTE_ROLES.monitoring },
  { path: '/alerts', labelKey: 'nav.alerts', Page: AlertsPage, roles: ROUTE_ROLES.monitoring },
  { path: '/policies', labelKey: 'nav.policies', Page: PoliciesPage, roles: ROUTE_ROLES.configurationView },
  { path: '/groups', labelKey: 'nav.groups', Page: GroupsPage, roles: ROUTE_ROLES.configurationView },
  { path: '/audit', labelKey: 'nav.audit', Page: AuditPage, roles: ROUTE_ROLES.audit },
  { path: '/users', labelKey: 'nav.users', Page: UsersPage, roles: ROUTE_ROLES.administration },
  { path: '/settings', labelKey: 'nav.settings', Page: SettingsPage, roles: ROUTE_ROLES.administration },
  { path: '/account/password', labelKey: 'nav.changePassword', Page: ChangePasswordPage, roles: ROUTE_ROLES.account, hiddenFromNav: true },
];

/** Where a signed-in user lands when the address names no known page. */
export const DEFAULT_PATH = '/events';

/**
 * Admins land on the Agents page, whose fleet overview is their start of the day (issue 17 item 1);
 * officers and auditors, who work on events, land on the live events.
 */
export function landingPathFor(role: Role): string {
  return role === 'admin' ? '/agents' : DEFAULT_PATH;
}

/** The routes a role may open. */
export function routesFor(role: Role): RouteDefinition[] {
  return ROUTES.filter((route) => route.roles.includes(role));
}

/** The route owning `path` (exactly, or as a parent: `/policies` owns `/policies/abc`). */
export function findRoute(routes: readonly RouteDefinition[], path: string): RouteDefinition | undefined {
  return routes.find((route) => route.path === path || path.startsWith(`${route.path}/`));
}
