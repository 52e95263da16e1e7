import type { NamedStoreSuite } from '../store/suite/store-suite-runners';
import { eventsIngestSuite } from './events-ingest.store-suite';
import { eventsReportsSuite } from './events-reports.store-suite';
import { eventsSearchSuite } from './events-search.store-suite';

/**
 * Suites that run a service (group commit, event search, event reports) over each store engine.
 * They use the store suite's runners and fixtures, but live here because they import services:
 * store/ never imports a layer above it.
 */
export const EVENT_SERVICE_STORE_SUITES: readonly NamedStoreSuite[] = [
  { name: 'events-ingest', suite: eventsIngestSuite },
  { name: 'events-search', suite: eventsSearchSuite },
  { name: 'events-reports', suite: eventsReportsSuite },
];
