import { accountsStoreSuite } from './accounts.store-suite';
import { agentsStoreSuite } from './agents.store-suite';
import { alertsStoreSuite } from './alerts.store-suite';
import { auditStoreSuite } from './audit.store-suite';
import { eventsStoreSuite } from './events.store-suite';
import { groupsStoreSuite } from './groups.store-suite';
import { impactReadStoreSuite } from './impact-read.store-suite';
import { lifecycleStoreSuite } from './lifecycle.store-suite';
import { policiesStoreSuite } from './policies.store-suite';
import { reportSchedulesStoreSuite } from './report-schedules.store-suite';
import type { NamedStoreSuite } from './store-suite-runners';
import { triageStoreSuite } from './triage.store-suite';

/**
 * Every area's suite; a runner for each store implementation runs this list. Add new areas here.
 * Suites that drive a service over the store (group commit, event search, event reports) are run
 * from services/event-services-store-suites.ts, so store/ imports nothing above it.
 */
export const ALL_STORE_SUITES: readonly NamedStoreSuite[] = [
  { name: 'accounts', suite: accountsStoreSuite },
  { name: 'agents', suite: agentsStoreSuite },
  { name: 'alerts', suite: alertsStoreSuite },
  { name: 'audit', suite: auditStoreSuite },
  { name: 'events', suite: eventsStoreSuite },
  { name: 'groups', suite: groupsStoreSuite },
  { name: 'impact read', suite: impactReadStoreSuite },
  { name: 'lifecycle', suite: lifecycleStoreSuite },
  { name: 'policies', suite: policiesStoreSuite },
  { name: 'triage', suite: triageStoreSuite },
  { name: 'report schedules', suite: reportSchedulesStoreSuite },
];
