import { loginRequest, type CurrentUserResponse } from '@dlp/shared';
import { Router } from 'express';
import type { AuthService } from '../services/auth-service';
import { endpoint, READERS, requireUser } from './endpoint';
import { clearSessionCookie, readSessionToken, setSessionCookie } from './session-cookie';

/** POST /auth/login, POST /auth/logout, GET /auth/me */
export function authRoutes(auth: AuthService): Router {
  const router = Router();

  router.post(
    '/auth/login',
    endpoint({ access: 'public', body: loginRequest }, async ({ body, req, res }) => {
      const result = await auth.login(body.username, body.password, req.socket.remoteAddress ?? 'unknown');
      setSessionCookie(req, res, result.sessionToken, result.expiresAtMs);
      const reply: CurrentUserResponse = { user: result.user };
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
    endpoint({ access: READERS }, async ({ user }) => {
      const reply: CurrentUserResponse = { user: requireUser(user) };
      return { status: 200, body: reply };
    }),
  );

  return router;
}
