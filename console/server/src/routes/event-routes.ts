import { eventQuery } from '@dlp/shared';
import { Router } from 'express';
import type { EventService } from '../services/event-service';
import { endpoint, READERS } from './endpoint';
import type { EventStreams } from './event-stream';
import { reportEventRoutes } from './report-event-routes';

/** GET /events (search, paginated), GET /events/stream (SSE) and GET /reports/events/… (aggregations). */
export function eventRoutes(events: EventService, streams: EventStreams): Router {
  const router = Router();

  router.get(
    '/events',
    endpoint({ access: READERS, query: eventQuery }, async ({ query }) => ({ status: 200, body: await events.query(query) })),
  );

  router.get(
    '/events/stream',
    endpoint({ access: READERS }, async ({ req, res }) => {
      streams.attach(req, res);
      return 'streamed';
    }),
  );

  router.use(reportEventRoutes(events.reports));
  return router;
}
