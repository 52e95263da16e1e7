import { CSRF_HEADER, fieldIssues, type CurrentUser, type Role } from '@dlp/shared';
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { csrfTokenMatches } from '../auth/csrf-token';
import { HttpError } from './api-error';
import { requestPrincipal, sessionUser } from './session-cookie';

/** Who may call an endpoint: `public`, or any of these roles (a list of the shared ROUTE_ROLES table). */
export type Access = 'public' | readonly Role[];

export interface EndpointSpec<B, Q, P> {
  access: Access;
  /** Reachable while the caller must change their password (only /auth/me and /auth/password). */
  allowExpiredPassword?: boolean;
  /** Only a person's cookie session may call it, never an API token (403). */
  sessionOnly?: boolean;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** The success reply's shape, for the OpenAPI document only (replies are not validated at run time). */
  response?: z.ZodType;
  /** One line for the OpenAPI document. */
  summary?: string;
}

/** What `endpoint()` records about a handler, read back by the OpenAPI generator. */
export type AnyEndpointSpec = EndpointSpec<unknown, unknown, unknown>;

const specs = new WeakMap<object, AnyEndpointSpec>();

/** The spec an `endpoint()` handler was made from, or undefined for any other handler. */
export function endpointSpecOf(handler: unknown): AnyEndpointSpec | undefined {
  return typeof handler === 'function' ? specs.get(handler) : undefined;
}

export interface EndpointInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  /** Set unless the endpoint is public. */
  user: CurrentUser | undefined;
  req: Request;
  res: Response;
}

/** A JSON reply, or `streamed` when the handler wrote the response itself (SSE). */
export type EndpointResult = { status: number; body?: unknown } | 'streamed';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * 401 without credentials; 403 `csrf_failed` for a cookie session's state-changing request without
 * its CSRF token; 403 `password_expired` until a required password change; 403 `forbidden` for a
 * role that may not call the endpoint.
 */
function authorize(spec: Pick<EndpointSpec<unknown, unknown, unknown>, 'access' | 'allowExpiredPassword' | 'sessionOnly'>, req: Request): CurrentUser | undefined {
  if (spec.access === 'public') return sessionUser(req);
  const principal = requestPrincipal(req);
  if (!principal) throw new HttpError(401, 'unauthenticated', 'Log in first.');
  if (principal.sessionToken !== undefined && STATE_CHANGING.has(req.method)) {
    const header = req.headers[CSRF_HEADER];
    if (!csrfTokenMatches(principal.sessionToken, typeof header === 'string' ? header : undefined)) {
      throw new HttpError(403, 'csrf_failed', `Missing or wrong ${CSRF_HEADER} header (take it from /auth/login or /auth/me).`);
    }
  }
  if (principal.mustChangePassword && spec.allowExpiredPassword !== true) {
    throw new HttpError(403, 'password_expired', 'Change your password first (POST /api/v1/auth/password).');
  }
  if (!spec.access.includes(principal.user.role)) throw new HttpError(403, 'forbidden', `The ${principal.user.role} role may not do this.`);
  if (spec.sessionOnly === true && principal.via !== 'session') throw new HttpError(403, 'forbidden', 'Only a logged-in person may do this, not an API token.');
  return principal.user;
}

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, 'invalid_request', `The request ${where} is invalid.`, fieldIssues(parsed.error));
  return parsed.data;
}

/**
 * The route pipeline: authorize → validate (params, query, body) → handler. Handlers get typed,
 * validated input and return a status and body; anything thrown goes to the error handler.
 */
export function endpoint<B = undefined, Q = undefined, P = undefined>(
  spec: EndpointSpec<B, Q, P>,
  handler: (input: EndpointInput<B, Q, P>) => Promise<EndpointResult>,
): RequestHandler {
  const handle: RequestHandler = async (req, res) => {
    const user = authorize(spec, req);
    const params = validate(spec.params, req.params, 'path');
    const query = validate(spec.query, req.query, 'query');
    const body = validate(spec.body, req.body, 'body');
    const result = await handler({ body, query, params, user, req, res });
    if (result === 'streamed') return;
    if (result.body === undefined) res.status(result.status).end();
    else res.status(result.status).json(result.body);
  };
  // The same schemas that validate requests describe them in /api/v1/openapi.json.
  specs.set(handle, spec as AnyEndpointSpec);
  return handle;
}

/** Narrows `user` for endpoints that are not public. */
export function requireUser(user: CurrentUser | undefined): CurrentUser {
  if (!user) throw new HttpError(401, 'unauthenticated', 'Log in first.');
  return user;
}
