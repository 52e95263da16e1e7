import { contentTopQuery, contentTopReport, ROUTE_ROLES } from '@dlp/shared';
import { Router } from 'express';
import { endpoint } from '../http/endpoint';
import type { ContentReportService } from './content-report-service';

/** GET /reports/content/top: hosts and users by customer-data events, for readers of reports. */
export function contentReportRoutes(reports: ContentReportService): Router {
  const router = Router();
  router.get(
    '/reports/content/top',
    endpoint({ access: ROUTE_ROLES.monitoring, query: contentTopQuery, response: contentTopReport, summary: 'Top hosts and users by customer-data (content) events, with detected values' }, async ({ query }) => ({
      status: 200,
      body: await reports.top(query),
    })),
  );
  return router;
}
