import { idParam, ROUTE_ROLES } from '@dlp/shared';
import { Router } from 'express';
import type { AgentRemovalService } from './agent-removal-service';
import { auditContext } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';

/** DELETE /agents/:id (admins): revoke, disconnect and remove the record; events stay. */
export function agentRemovalRoutes(removal: AgentRemovalService): Router {
  const router = Router();
  router.delete(
    '/agents/:id',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam }, async ({ params, user, req }) => {
      await removal.delete(params.id, auditContext(requireUser(user), req));
      return { status: 204 };
    }),
  );
  return router;
}
