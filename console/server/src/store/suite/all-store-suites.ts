import { accountsStoreSuite } from './accounts.store-suite';
import { agentsStoreSuite } from './agents.store-suite';
import { alertsStoreSuite } from './alerts.store-suite';
import { auditStoreSuite } from './audit.store-suite';
import { eventsStoreSuite } from './events.store-suite';
import { eventsIngestSuite } from './events-ingest.store-suite';
import { eventsReportsSuite } from './events-reports.store-suite';
import { eventsSearchSuite } from './events-search.store-suite';
import { groupsStoreSuite } from './groups.store-suite';
import { lifecycleStoreSuite } from './lifecycle.store-suite';
import { policiesStoreSuite } from './policies.store-suite';
import { reportSchedulesStoreSuite } from './report-schedules.store-suite';
import type { StoreSuite } from './store-suite';
import { triageStoreSuite } from './triage.store-suite';

/** Every area's suite; a runner for each store implementation runs this list. Add new areas here. */
export const ALL_STORE_SUITES: ReadonlyArray<{ name: string; suite: StoreSuite }> = [
  { name: 'accounts', suite: accountsStoreSuite },
  { name: 'agents', suite: agentsStoreSuite },
  { name: 'alerts', suite: alertsStoreSuite },
  { name: 'audit', suite: auditStoreSuite },
  { name: 'events', suite: eventsStoreSuite },
  { name: 'events-ingest', suite: eventsIngestSuite },
  { name: 'events-search', suite: eventsSearchSuite },
  { name: 'events-reports', suite: eventsReportsSuite },
  { name: 'groups', suite: groupsStoreSuite },
  { name: 'lifecycle', suite: lifecycleStoreSuite },
  { name: 'policies', suite: policiesStoreSuite },
  { name: 'triage', suite: triageStoreSuite },
  { name: 'report schedules', suite: reportSchedulesStoreSuite },
];
