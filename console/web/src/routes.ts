import type { ComponentType } from 'react';
import type { NavItem } from './components/app-header';
import { AgentsPage } from './pages/Agents/agents-page';
import { EventsPage } from './pages/Events/events-page';

/** A page reachable from the main navigation. New pages (policies, groups, reports…) join this list. */
export interface RouteDefinition extends NavItem {
  Page: ComponentType;
}

export const ROUTES: readonly RouteDefinition[] = [
  { path: '/agents', labelKey: 'nav.agents', Page: AgentsPage },
  { path: '/events', labelKey: 'nav.events', Page: EventsPage },
];

/** Where a signed-in user lands when the address names no known page. */
export const DEFAULT_PATH = '/events';

export function findRoute(path: string): RouteDefinition | undefined {
  return ROUTES.find((route) => route.path === path);
}
