import { agentQuery, idParam } from '@dlp/shared';
import { Router } from 'express';
import type { AgentService } from '../services/agent-service';
import { ADMIN_ONLY, endpoint, READERS } from './endpoint';

/** Agents: list and read (all roles), revoke (admins). */
export function agentRoutes(agents: AgentService): Router {
  const router = Router();

  router.get(
    '/agents',
    endpoint({ access: READERS, query: agentQuery }, async ({ query }) => ({ status: 200, body: await agents.list(query) })),
  );

  router.get(
    '/agents/:id',
    endpoint({ access: READERS, params: idParam }, async ({ params }) => ({ status: 200, body: { agent: await agents.get(params.id) } })),
  );

  router.post(
    '/agents/:id/revoke',
    endpoint({ access: ADMIN_ONLY, params: idParam }, async ({ params }) => ({ status: 200, body: { agent: await agents.revoke(params.id) } })),
  );

  return router;
}
