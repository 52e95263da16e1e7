import { ROUTE_ROLES, triageDetail, triagedEventPage, triageEventParams, triageEventQuery, triageUpdateRequest } from '@dlp/shared';
import { Router } from 'express';
import type { TriageService } from './triage-service';
import { sourceIpOf } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';

/** GET /triage/events, GET and POST /triage/events/:agentId/:seq */
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
      async ({ params, body, user, req }) => {
        const current = requireUser(user);
        const who = { actor: { id: current.id, username: current.username, role: current.role }, sourceIp: sourceIpOf(req) };
        const detail = await triage.update(params.agentId, params.seq, body, who);
        return { status: 200, body: detail };
      },
    ),
  );

  return router;
}
