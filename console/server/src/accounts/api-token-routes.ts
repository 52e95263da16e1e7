import { apiTokenCreated, apiTokenList, createApiTokenRequest, idParam, ROUTE_ROLES } from '@dlp/shared';
import { Router } from 'express';
import type { ApiTokenService } from './api-token-service';
import { auditContext } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';

/** API tokens (admins): create (shown once), list, revoke. */
export function apiTokenRoutes(tokens: ApiTokenService): Router {
  const router = Router();

  router.post(
    '/api-tokens',
    // A token is owned by a person; a token minting tokens would outlive every revocation.
    endpoint({ access: ROUTE_ROLES.administration, sessionOnly: true, body: createApiTokenRequest, response: apiTokenCreated }, async ({ body, user, req }) => {
      const me = requireUser(user);
      return { status: 201, body: await tokens.create(body, me.id, auditContext(me, req)) };
    }),
  );

  router.get(
    '/api-tokens',
    endpoint({ access: ROUTE_ROLES.administration, response: apiTokenList }, async () => ({ status: 200, body: { items: await tokens.list() } })),
  );

  router.delete(
    '/api-tokens/:id',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam }, async ({ params, user, req }) => {
      await tokens.revoke(params.id, auditContext(requireUser(user), req));
      return { status: 204 };
    }),
  );

  return router;
}
