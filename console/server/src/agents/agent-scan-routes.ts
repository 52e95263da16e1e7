import { agentScanList, agentScanRequest, agentScanResponse, idParam, ROUTE_ROLES } from '@dlp/shared';
import { Router } from 'express';
import type { AgentScanService } from './agent-scan-service';
import type { AgentService } from './agent-service';
import { auditContext } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';

/**
 * POST /agents/:id/scans (officers and admins): ask the agent to scan a folder for customer data at
 * rest; GET /agents/:id/scans (every role): the scans this console knows, with their state.
 */
export function agentScanRoutes(scans: AgentScanService, agents: AgentService): Router {
  const router = Router();
  router.post(
    '/agents/:id/scans',
    endpoint(
      {
        access: ROUTE_ROLES.contentScans,
        params: idParam,
        body: agentScanRequest,
        response: agentScanResponse,
        summary: 'Ask an online agent to scan a folder on its host for customer personal data (one console scan per agent at a time); 409 agent_offline, agent_revoked or scan_running',
      },
      async ({ params, body, user, req }) => ({ status: 202, body: { scan: await scans.request(params.id, body.path, auditContext(requireUser(user), req)) } }),
    ),
  );
  router.get(
    '/agents/:id/scans',
    endpoint({ access: ROUTE_ROLES.monitoring, params: idParam, response: agentScanList, summary: 'Scans asked of this agent, newest first, with their state and counts as the agent last reported them' }, async ({ params }) => {
      // 404 for an unknown agent, like the other agent routes.
      await agents.get(params.id);
      return { status: 200, body: { items: scans.list(params.id) } };
    }),
  );
  return router;
}
