import type { CurrentUser } from '@dlp/shared';
import type { Request, RequestHandler, Response } from 'express';
import type { Principal, PrincipalResolver } from '../auth/principal';

export const SESSION_COOKIE = 'dlp_session';

/** The session cookie's value from the Cookie header, if present and well-formed. */
export function readSessionToken(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    // Our tokens are 43 base64url characters; anything else cannot be a session.
    return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/** HttpOnly so scripts cannot read it, SameSite=Strict so other sites cannot send it, Secure over TLS. */
export function setSessionCookie(req: Request, res: Response, token: string, expiresAtMs: number): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: req.secure,
    expires: new Date(expiresAtMs),
  });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/', secure: req.secure });
}

const principals = new WeakMap<Request, Principal>();
/** The session or API token each request's principal was resolved from (live streams resolve it again). */
const credentials = new WeakMap<Request, string>();

/** The user of the request's valid session or API token (set by `loadSession`), if any. */
export function sessionUser(req: Request): CurrentUser | undefined {
  return principals.get(req)?.user;
}

/** Who is calling and how (cookie session or API token), if anyone. */
export function requestPrincipal(req: Request): Principal | undefined {
  return principals.get(req);
}

/** The session token or API token the caller authenticated with, if any. */
export function requestCredential(req: Request): string | undefined {
  return credentials.get(req);
}

/** `Authorization: Bearer <token>` → the token, if the header has that form. */
function bearerToken(req: Request): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/**
 * Resolves the caller: the session cookie, else an API token (`Authorization: Bearer dlp_…`).
 * Agent tokens never authenticate a REST request (they are not API tokens). A `metrics` token is
 * nobody except where `metricsTokens` is set (GET /metrics): a leaked scrape token reads no events.
 */
export function loadSession(auth: PrincipalResolver, options: { metricsTokens?: boolean } = {}): RequestHandler {
  return async (req, _res, next) => {
    const token = readSessionToken(req);
    let principal = token !== undefined ? await auth.principalForSession(token) : undefined;
    let credential = principal ? token : undefined;
    if (!principal) {
      const bearer = bearerToken(req);
      if (bearer !== undefined) principal = await auth.principalForApiToken(bearer);
      if (principal?.tokenScope === 'metrics' && options.metricsTokens !== true) principal = undefined;
      credential = principal ? bearer : undefined;
    }
    if (principal) principals.set(req, principal);
    if (principal && credential !== undefined) credentials.set(req, credential);
    next();
  };
}
