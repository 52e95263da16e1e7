import type { ComponentType } from 'react';
import type { Role } from '@dlp/shared';
import type { NavItem } from './components/app-header';
import { ChangePasswordPage } from './pages/Account/change-password-page';
import { AgentsPage } from './pages/Agents/agents-page';
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
 * A page of the signed-in console. `roles` are the roles the console lets read it (the server
 * enforces the same; hiding the rest keeps people from pages that would only answer 403).
 * A route also owns every path below it (`/policies/<id>`), which the page reads itself.
 */
export interface RouteDefinition extends NavItem {
  Page: ComponentType;
  roles: readonly Role[];
  /** Reached from elsewhere (the header's account entry), not listed in the main navigation. */
  hiddenFromNav?: boolean;
}

const EVERYONE: readonly Role[] = ['admin', 'officer', 'auditor'];

export const ROUTES: readonly RouteDefinition[] = [
  { path: '/agents', labelKey: 'nav.agents', Page: AgentsPage, roles: EVERYONE },
  { path: '/events', labelKey: 'nav.events', Page: EventsPage, roles: EVERYONE },
  { path: '/search', labelKey: 'nav.search', Page: EventSearchPage, roles: EVERYONE },
  { path: '/reports', labelKey: 'nav.reports', Page: ReportsPage, roles: EVERYONE },
  { path: '/exceptions', labelKey: 'nav.exceptions', Page: ExceptionsPage, roles: EVERYONE },
  { path: '/alerts', labelKey: 'nav.alerts', Page: AlertsPage, roles: EVERYONE },
  { path: '/policies', labelKey: 'nav.policies', Page: PoliciesPage, roles: ['admin', 'auditor'] },
  { path: '/groups', labelKey: 'nav.groups', Page: GroupsPage, roles: ['admin', 'auditor'] },
  { path: '/audit', labelKey: 'nav.audit', Page: AuditPage, roles: ['admin', 'auditor'] },
  { path: '/users', labelKey: 'nav.users', Page: UsersPage, roles: ['admin'] },
  { path: '/settings', labelKey: 'nav.settings', Page: SettingsPage, roles: ['admin'] },
  { path: '/account/password', labelKey: 'nav.changePassword', Page: ChangePasswordPage, roles: EVERYONE, hiddenFromNav: true },
];

/** Where a signed-in user lands when the address names no known page. */
export const DEFAULT_PATH = '/events';

/** The routes a role may open. */
export function routesFor(role: Role): RouteDefinition[] {
  return ROUTES.filter((route) => route.roles.includes(role));
}

/** The route owning `path` (exactly, or as a parent: `/policies` owns `/policies/abc`). */
export function findRoute(routes: readonly RouteDefinition[], path: string): RouteDefinition | undefined {
  return routes.find((route) => route.path === path || path.startsWith(`${route.path}/`));
}
