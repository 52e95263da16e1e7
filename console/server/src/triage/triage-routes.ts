import {
  ROUTE_ROLES,
  triageBulkRequest,
  triageBulkResult,
  triageCount,
  triageCountQuery,
  triageDetail,
  triagedEventPage,
  triageEventParams,
  triageEventQuery,
  triageUpdateRequest,
  type CurrentUser,
} from '@dlp/shared';
import { Router, type Request } from 'express';
import type { TriageService } from './triage-service';
import type { TriageActor } from './triage-actor';
import { sourceIpOf } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';

/** The person or token calling, as triage records it. */
function actorOf(user: CurrentUser | undefined, req: Request): TriageActor {
  const current = requireUser(user);
  return { actor: { id: current.id, username: current.username, role: current.role }, sourceIp: sourceIpOf(req) };
}

/** GET /triage/events, GET /triage/events/count, POST /triage/events/bulk, GET and POST /triage/events/:agentId/:seq */
export function triageRoutes(triage: TriageService): Router {
  const router = Router();

  router.get(
    '/triage/events',
    endpoint({ access: ROUTE_ROLES.monitoring, query: triageEventQuery, response: triagedEventPage, summary: 'Search events with their triage state' }, async ({ query }) => ({
      status: 200,
      body: await triage.search(query),
    })),
  );

  router.get(
    '/triage/events/count',
    endpoint({ access: ROUTE_ROLES.monitoring, query: triageCountQuery, response: triageCount, summary: 'Count the events a search finds (exact, or at least max)' }, async ({ query }) => ({
      status: 200,
      body: await triage.count(query),
    })),
  );

  router.post(
    '/triage/events/bulk',
    endpoint(
      { access: ROUTE_ROLES.triage, body: triageBulkRequest, response: triageBulkResult, summary: 'Set the triage state of several events and/or add a note to each (all or nothing)' },
      async ({ body, user, req }) => ({ status: 200, body: await triage.bulkUpdate(body, actorOf(user, req)) }),
    ),
  );

  router.get(
    '/triage/events/:agentId/:seq',
    endpoint({ access: ROUTE_ROLES.monitoring, params: triageEventParams, response: triageDetail, summary: "An event's triage state and history" }, async ({ params }) => ({
      status: 200,
      body: await triage.detail(params.agentId, params.seq),
    })),
  );

  router.post(
    '/triage/events/:agentId/:seq',
    endpoint(
      { access: ROUTE_ROLES.triage, params: triageEventParams, body: triageUpdateRequest, response: triageDetail, summary: 'Set the triage state of an event or its group, or add a note' },
      async ({ params, body, user, req }) => ({ status: 200, body: await triage.update(params.agentId, params.seq, body, actorOf(user, req)) }),
    ),
  );

  return router;
}
