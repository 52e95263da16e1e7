import { eventQuery, ROUTE_ROLES } from '@dlp/shared';
import { Router } from 'express';
import type { EventService } from './event-service';
import { HttpError } from '../http/api-error';
import { endpoint } from '../http/endpoint';
import type { EventStreams } from './event-stream';
import { reportEventRoutes } from './report-event-routes';
import { requestCredential, requestPrincipal } from '../http/session-cookie';

/** GET /events (search, paginated), GET /events/stream (SSE) and GET /reports/events/… (aggregations). */
export function eventRoutes(events: EventService, streams: EventStreams): Router {
  const router = Router();

  router.get(
    '/events',
    endpoint({ access: ROUTE_ROLES.monitoring, query: eventQuery }, async ({ query }) => ({ status: 200, body: await events.query(query) })),
  );

  router.get(
    '/events/stream',
    endpoint({ access: ROUTE_ROLES.monitoring }, async ({ req, res }) => {
      const principal = requestPrincipal(req);
      const credential = requestCredential(req);
      if (!principal || credential === undefined) throw new HttpError(401, 'unauthenticated', 'Log in first.');
      streams.attach(req, res, principal, credential);
      return 'streamed';
    }),
  );

  router.use(reportEventRoutes(events.reports));
  return router;
}
