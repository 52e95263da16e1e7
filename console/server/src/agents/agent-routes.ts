import { agentOverviewResponse, agentPage, agentQuery, agentResponse, idParam, ROUTE_ROLES } from '@dlp/shared';
import { Router } from 'express';
import type { AgentService } from './agent-service';
import type { AuditService } from '../audit/audit-service';
import { auditContext } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';
import { agentViewRoutes } from './agent-view-routes';

/** Agents: list and read (all roles), saved filters and CSV export (agent-view-routes.ts), revoke (admins). */
export function agentRoutes(agents: AgentService, audit: AuditService): Router {
  const router = Router();

  // Before /agents/:id, which would take "overview" for an id.
  router.get(
    '/agents/overview',
    endpoint(
      { access: ROUTE_ROLES.monitoring, response: agentOverviewResponse, summary: 'Fleet overview: agents per condition (compliant, policy pending/failed, offline > 24 h, fail-open, degraded, tamper and bypass in 24 h)' },
      async () => ({ status: 200, body: await agents.overview() }),
    ),
  );

  router.get(
    '/agents',
    endpoint({ access: ROUTE_ROLES.monitoring, query: agentQuery, response: agentPage }, async ({ query }) => ({ status: 200, body: await agents.list(query) })),
  );

  // Saved filters and the CSV export: before /agents/:id too.
  router.use(agentViewRoutes(agents, audit));

  router.get(
    '/agents/:id',
    endpoint(
      { access: ROUTE_ROLES.monitoring, params: idParam, response: agentResponse, summary: 'One agent: identity, group, policy applied against expected with the last receipt, capability report (the host page)' },
      async ({ params }) => ({ status: 200, body: { agent: await agents.get(params.id) } }),
    ),
  );

  router.post(
    '/agents/:id/revoke',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam }, async ({ params, user, req }) => {
      const agent = await agents.revoke(params.id);
      await audit.record({ ...auditContext(requireUser(user), req), action: 'agent.revoke', target: { type: 'agent', id: params.id }, after: { hostname: agent.info.hostname } });
      return { status: 200, body: { agent } };
    }),
  );

  return router;
}
