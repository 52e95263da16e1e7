import { entityHistoryQuery, eventCountsQuery, ROUTE_ROLES, topEntitiesQuery, weekOverWeekQuery } from '@dlp/shared';
import { Router } from 'express';
import type { EventReportService } from './event-report-service';
import { endpoint } from '../http/endpoint';

/** GET /reports/events/{counts,top,week-over-week,entity}: aggregations for readers. */
export function reportEventRoutes(reports: EventReportService): Router {
  const router = Router();
  router.get('/reports/events/counts', endpoint({ access: ROUTE_ROLES.monitoring, query: eventCountsQuery }, async ({ query }) => ({ status: 200, body: await reports.counts(query) })));
  router.get('/reports/events/top', endpoint({ access: ROUTE_ROLES.monitoring, query: topEntitiesQuery }, async ({ query }) => ({ status: 200, body: await reports.top(query) })));
  router.get(
    '/reports/events/week-over-week',
    endpoint({ access: ROUTE_ROLES.monitoring, query: weekOverWeekQuery }, async ({ query }) => ({ status: 200, body: await reports.weekOverWeek(query) })),
  );
  router.get('/reports/events/entity', endpoint({ access: ROUTE_ROLES.monitoring, query: entityHistoryQuery }, async ({ query }) => ({ status: 200, body: await reports.entityHistory(query) })));
  return router;
}
