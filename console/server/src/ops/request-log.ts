import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logging/logger';

/** Where request timings go besides the log (the metrics). */
export interface RequestObserver {
  httpRequest(method: string, route: string, status: number, seconds: number): void;
}

/** A caller's (or load balancer's) request id is reused only when it is short and plain. */
const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Probes and scrapes would drown the log: they are logged at debug level. */
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The route template that matched (`/api/v1/users/:id`), or `unmatched`. Raw paths are never used
 * as labels or logged whole: they could carry ids without bound or, in a query string, secrets.
 */
export function routeTemplate(req: Request): string {
  const route: unknown = req.route;
  if (typeof route === 'object' && route !== null && 'path' in route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  return 'unmatched';
}

/**
 * One JSON log line per request (method, route template, status, ms, request id) and one
 * latency observation. Never logs the query string, headers, cookies or bodies. The request id is
 * echoed in `X-Request-Id` so a user's report can be matched with the log.
 */
export function requestLog(logger: Logger, observer: RequestObserver): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    // The path without its query string, read now: routers rewrite req.url on the way down.
    const path = (req.originalUrl.split('?')[0] ?? '').slice(0, 200);
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(req);
      observer.httpRequest(req.method, route, res.statusCode, seconds);
      const fields = { requestId, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 10_000) / 10 };
      const withPath = route === 'unmatched' ? { ...fields, path } : fields;
      if (QUIET_ROUTES.has(route)) logger.debug('request', withPath);
      else logger.info('request', withPath);
    });
    next();
  };
}
