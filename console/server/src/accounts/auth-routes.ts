import { changePasswordRequest, loginRequest, ROUTE_ROLES, type CurrentUserResponse } from '@dlp/shared';
import { Router } from 'express';
import { csrfTokenFor } from '../auth/csrf-token';
import type { AuthService } from './auth-service';
import { assertPasswordAcceptable } from './password-rules';
import { sourceIpOf } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';
import { clearSessionCookie, readSessionToken, requestPrincipal, setSessionCookie } from '../http/session-cookie';

/** POST /auth/login, POST /auth/logout, GET /auth/me, POST /auth/password */
export function authRoutes(auth: AuthService): Router {
  const router = Router();

  router.post(
    '/auth/login',
    endpoint({ access: 'public', body: loginRequest }, async ({ body, req, res }) => {
      const result = await auth.login(body.username, body.password, sourceIpOf(req) ?? 'unknown');
      setSessionCookie(req, res, result.sessionToken, result.expiresAtMs);
      const reply: CurrentUserResponse = { user: result.user, csrfToken: result.csrfToken };
      if (result.mustChangePassword) reply.mustChangePassword = true;
      return { status: 200, body: reply };
    }),
  );

  router.post(
    '/auth/logout',
    endpoint({ access: 'public' }, async ({ req, res }) => {
      const token = readSessionToken(req);
      if (token !== undefined) await auth.logout(token);
      clearSessionCookie(req, res);
      return { status: 204 };
    }),
  );

  router.get(
    '/auth/me',
    endpoint({ access: ROUTE_ROLES.account, allowExpiredPassword: true }, async ({ user, req }) => {
      const principal = requestPrincipal(req);
      const reply: CurrentUserResponse = { user: requireUser(user) };
      if (principal?.sessionToken !== undefined) reply.csrfToken = csrfTokenFor(principal.sessionToken);
      if (principal?.mustChangePassword === true) reply.mustChangePassword = true;
      return { status: 200, body: reply };
    }),
  );

  router.post(
    '/auth/password',
    endpoint({ access: ROUTE_ROLES.account, allowExpiredPassword: true, body: changePasswordRequest }, async ({ body, user, req }) => {
      const principal = requestPrincipal(req);
      const me = requireUser(user);
      assertPasswordAcceptable(body.newPassword, me.username, 'newPassword');
      if (principal) await auth.changeOwnPassword(principal, body.currentPassword, body.newPassword, sourceIpOf(req));
      return { status: 204 };
    }),
  );

  return router;
}
