import {
  approveExceptionRequest,
  createExceptionRequest,
  denyExceptionRequest,
  exceptionQuery,
  idParam,
  revokeExceptionRequest,
  ROUTE_ROLES,
  uninstallCodeRequest,
  unlockCodeRequest,
  type CurrentUser,
  type UninstallCodeIssued,
  type UnlockCodeIssued,
} from '@dlp/shared';
import type { Request } from 'express';
import { Router } from 'express';
import type { ExceptionActor, ExceptionService } from './exception-service';
import type { UnlockCodeService } from './unlock-code-service';
import { HttpError } from '../http/api-error';
import { sourceIpOf } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';
import { requestPrincipal } from '../http/session-cookie';

/** The credential (as the audit log names it) and the person behind it (an API token's owner). */
function actorOf(user: CurrentUser | undefined, req: Request): ExceptionActor {
  const who = requireUser(user);
  const principal = requestPrincipal(req);
  // Every authenticated request has a principal; without one nobody can be told apart, so refuse.
  if (!principal) throw new HttpError(401, 'unauthenticated', 'Log in first.');
  return { id: who.id, username: who.username, role: who.role, sourceIp: sourceIpOf(req), person: principal.person, via: principal.via };
}

/** Exception requests and decisions, and offline unlock codes. */
export function exceptionRoutes(exceptions: ExceptionService, unlockCodes: UnlockCodeService): Router {
  const router = Router();

  router.get(
    '/exceptions',
    endpoint({ access: ROUTE_ROLES.monitoring, query: exceptionQuery }, async ({ query }) => ({ status: 200, body: await exceptions.list(query) })),
  );

  router.get(
    '/exceptions/:id',
    endpoint({ access: ROUTE_ROLES.monitoring, params: idParam }, async ({ params }) => ({ status: 200, body: { exception: await exceptions.get(params.id) } })),
  );

  router.post(
    '/exceptions',
    endpoint({ access: ROUTE_ROLES.exceptionDecisions, body: createExceptionRequest }, async ({ body, user, req }) => ({
      status: 201,
      body: { exception: await exceptions.create(body, actorOf(user, req)) },
    })),
  );

  router.post(
    '/exceptions/:id/approve',
    endpoint({ access: ROUTE_ROLES.exceptionDecisions, params: idParam, body: approveExceptionRequest }, async ({ params, body, user, req }) => ({
      status: 200,
      body: { exception: await exceptions.approve(params.id, body, actorOf(user, req)) },
    })),
  );

  router.post(
    '/exceptions/:id/deny',
    endpoint({ access: ROUTE_ROLES.exceptionDecisions, params: idParam, body: denyExceptionRequest }, async ({ params, body, user, req }) => ({
      status: 200,
      body: { exception: await exceptions.deny(params.id, body.reason, actorOf(user, req)) },
    })),
  );

  router.post(
    '/exceptions/:id/revoke',
    endpoint({ access: ROUTE_ROLES.exceptionDecisions, params: idParam, body: revokeExceptionRequest }, async ({ params, body, user, req }) => ({
      status: 200,
      body: { exception: await exceptions.revoke(params.id, body.reason, actorOf(user, req)) },
    })),
  );

  router.post(
    '/agents/:id/unlock-codes',
    endpoint({ access: ROUTE_ROLES.exceptionDecisions, params: idParam, body: unlockCodeRequest }, async ({ params, body, user, req }) => {
      const reply: UnlockCodeIssued = await unlockCodes.issue(params.id, body, actorOf(user, req));
      return { status: 201, body: reply };
    }),
  );

  router.post(
    '/agents/:id/uninstall-codes',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam, body: uninstallCodeRequest, summary: 'Issue an uninstall code for an agent (shown once)' }, async ({ params, body, user, req }) => {
      const reply: UninstallCodeIssued = await unlockCodes.issueUninstall(params.id, body, actorOf(user, req));
      return { status: 201, body: reply };
    }),
  );

  return router;
}
