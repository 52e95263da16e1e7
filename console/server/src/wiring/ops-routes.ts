import type { BlockList } from 'node:net';
import { healthReply, readinessReply, ROUTE_ROLES, type ReadinessReply } from '@dlp/shared';
import { Router, type RequestHandler, type Response } from 'express';
import type { ConsoleMetrics } from '../ops/console-metrics';
import { allowListedPeers } from '../ops/metrics-access';
import { PROMETHEUS_CONTENT_TYPE } from '../ops/metrics-registry';
import { buildOpenApiDocument, type OpenApiDocument } from '../http/openapi';
import type { Readiness } from '../ops/readiness';
import type { AuthService } from '../accounts/auth-service';
import { endpoint } from '../http/endpoint';
import { loadSession } from '../http/session-cookie';

export interface OpsRouteDeps {
  auth: AuthService;
  metrics: ConsoleMetrics;
  readiness: Readiness;
  /** Peers that may scrape /metrics without credentials; none by default. */
  metricsAllow: BlockList | undefined;
}

/**
 * Probes and metrics at the root (where load balancers and Prometheus look for them):
 * GET /healthz (alive; touches nothing), GET /readyz (503 with the failing check's name),
 * GET /metrics (Prometheus text; readers' session or API token, or an allow-listed peer).
 */
export function opsRoutes(deps: OpsRouteDeps): Router {
  const router = Router();
  const noStore: RequestHandler = (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  };

  router.get(
    '/healthz',
    noStore,
    endpoint({ access: 'public', response: healthReply, summary: 'Liveness: the process answers (no database access).' }, async () => ({ status: 200, body: { ok: true } })),
  );

  router.get(
    '/readyz',
    noStore,
    endpoint({ access: 'public', response: readinessReply, summary: 'Readiness: database reachable with its schema, writes committing, signing key loaded, not shutting down (503 otherwise).' }, async () => {
      const report = await deps.readiness.report();
      const body: ReadinessReply = { ok: report.ready, checks: report.checks };
      return { status: report.ready ? 200 : 503, body };
    }),
  );

  const serveMetrics = (res: Response): void => {
    res.status(200).type(PROMETHEUS_CONTENT_TYPE).send(deps.metrics.render());
  };
  router.get(
    '/metrics',
    noStore,
    allowListedPeers(deps.metricsAllow, (_req, res) => serveMetrics(res)),
    loadSession(deps.auth, { metricsTokens: true }),
    endpoint({ access: ROUTE_ROLES.monitoring, summary: 'Prometheus metrics (text format 0.0.4); readers, `metrics` API tokens, or allow-listed peers.' }, async ({ res }) => {
      serveMetrics(res);
      return 'streamed';
    }),
  );

  return router;
}

/**
 * GET /api/v1/openapi.json: public, because it describes only what the web UI's own code already
 * reveals (paths and request shapes), never data or secrets. Built once, on first request, when
 * every route is registered.
 */
export function openApiRoutes(info: { title: string; version: string }): Router {
  const router = Router();
  let cached: OpenApiDocument | undefined;
  router.get(
    '/openapi.json',
    endpoint({ access: 'public', summary: 'This OpenAPI 3.1 document, generated from the zod schemas the routes validate with.' }, async ({ req }) => {
      cached ??= buildOpenApiDocument(req.app, info);
      return { status: 200, body: cached };
    }),
  );
  return router;
}
