import type { BlockList } from 'node:net';
import { LIMITS, nestsDeeperThan } from '@dlp/shared';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '../logging/logger';
import type { ConsoleMetrics } from '../ops/console-metrics';
import type { Readiness } from '../ops/readiness';
import { requestLog } from '../ops/request-log';
import type { AgentRemovalService } from '../services/agent-removal-service';
import type { AgentService } from '../services/agent-service';
import type { ApiTokenService } from '../services/api-token-service';
import type { AuditService } from '../services/audit-service';
import type { AuthService } from '../services/auth-service';
import type { EnrollmentService } from '../services/enrollment-service';
import type { EventService } from '../services/event-service';
import type { LifecycleServices } from '../services/lifecycle-services';
import type { PolicyService } from '../services/policy-service';
import type { SettingsService } from '../services/settings-service';
import type { UserService } from '../services/user-service';
import type { ReportServices } from '../reports/report-services';
import { agentRemovalRoutes } from './agent-removal-routes';
import { agentRoutes } from './agent-routes';
import { alertRoutes } from './alert-routes';
import type { AlertService } from '../alerts/alert-service';
import { apiTokenRoutes } from './api-token-routes';
import { apiErrorHandler, apiNotFound, HttpError } from './api-error';
import { auditRoutes } from './audit-routes';
import { authRoutes } from './auth-routes';
import { enrollSecretRoutes } from './enroll-secret-routes';
import { eventRoutes } from './event-routes';
import { lifecycleRoutes } from './lifecycle-routes';
import type { EventStreams } from './event-stream';
import { policyRoutes } from './policy-routes';
import { exportRoutes } from './export-routes';
import { triageRoutes } from './triage-routes';
import { reportScheduleRoutes } from './report-schedule-routes';
import { openApiRoutes, opsRoutes } from './ops-routes';
import { loadSession } from './session-cookie';
import { settingsRoutes } from './settings-routes';
import { userRoutes } from './user-routes';
import { webUi } from './web-ui';
import { applyTrustedProxies } from './trusted-proxies';

export interface HttpAppDeps {
  auth: AuthService;
  /** The audit log: `deps.audit.record({...})` for every admin and officer action. */
  audit: AuditService;
  users: UserService;
  apiTokens: ApiTokenService;
  settings: SettingsService;
  agentRemoval: AgentRemovalService;
  enrollment: EnrollmentService;
  agents: AgentService;
  policies: PolicyService;
  /** Groups, drafts, rollout, exceptions, unlock codes. */
  lifecycle: LifecycleServices;
  events: EventService;
  streams: EventStreams;
  logger: Logger;
  webDir: string | undefined;
  /** Alert rules, destinations and fired alerts. */
  alerts: AlertService;
  /** Proxies whose X-Forwarded-For names the client (`--trust-proxy`); none by default. */
  trustedProxies?: BlockList | undefined;
  /** Officers' triage, CSV export and scheduled reports. */
  reports: Pick<ReportServices, 'triage' | 'eventExport' | 'schedules'>;
  /** /healthz, /readyz, /metrics, request logs and /api/v1/openapi.json. */
  ops: { metrics: ConsoleMetrics; readiness: Readiness; metricsAllow: BlockList | undefined };
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * State-changing requests must declare a JSON body. Browsers cannot send that content type
 * cross-site without a CORS preflight (which we never grant), so this backs up SameSite=Strict.
 */
const requireJsonContentType: RequestHandler = (req, _res, next) => {
  if (!STATE_CHANGING.has(req.method)) return next();
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return next(new HttpError(415, 'unsupported_media_type', 'State-changing requests must have Content-Type: application/json.'));
  }
  next();
};

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy':
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
  });
  next();
};

/** Deepest JSON a REST body may nest (a policy document nests about 6). */
const MAX_BODY_DEPTH = 64;

/**
 * body-parser's `verify` hook, run on the raw bytes before JSON.parse: a 2 MiB body nested a million
 * deep costs JSON.parse hundreds of ms, and bodies are parsed before authentication.
 */
function refuseDeepJson(_req: unknown, _res: unknown, buf: Buffer): void {
  if (nestsDeeperThan(buf.toString('utf8'), MAX_BODY_DEPTH)) {
    throw Object.assign(new Error(`The request body nests deeper than ${MAX_BODY_DEPTH} levels.`), { type: 'entity.too.deep', status: 400 });
  }
}

const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/** The Express app: /healthz, /readyz, /metrics, the REST API under /api/v1, and the web UI for everything else. */
export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  applyTrustedProxies(app, deps.trustedProxies);
  app.use(requestLog(deps.logger, deps.ops.metrics));
  app.use(securityHeaders);
  app.use(opsRoutes({ auth: deps.auth, metrics: deps.ops.metrics, readiness: deps.ops.readiness, metricsAllow: deps.ops.metricsAllow }));

  const api = express.Router();
  api.use(noStore);
  api.use(requireJsonContentType);
  api.use(express.json({ limit: LIMITS.maxRestBodyBytes, strict: true, type: 'application/json', verify: refuseDeepJson }));
  api.use(loadSession(deps.auth));
  api.use(openApiRoutes({ title: 'Endpoint DLP console', version: '1.0.0' }));
  api.use(authRoutes(deps.auth));
  api.use(userRoutes(deps.users));
  api.use(apiTokenRoutes(deps.apiTokens));
  api.use(settingsRoutes(deps.settings));
  api.use(auditRoutes(deps.audit));
  api.use(agentRemovalRoutes(deps.agentRemoval));
  api.use(enrollSecretRoutes(deps.enrollment, deps.audit));
  api.use(policyRoutes(deps.policies));
  api.use(agentRoutes(deps.agents, deps.audit));
  api.use(lifecycleRoutes(deps.lifecycle));
  api.use(eventRoutes(deps.events, deps.streams));
  api.use(alertRoutes(deps.alerts));
  api.use(triageRoutes(deps.reports.triage));
  api.use(exportRoutes(deps.reports.eventExport, deps.audit));
  api.use(reportScheduleRoutes(deps.reports.schedules));
  api.use(apiNotFound);
  api.use(apiErrorHandler(deps.logger));
  app.use('/api/v1', api);
  app.use('/api', apiNotFound);

  app.use(webUi(deps.webDir));
  app.use(apiErrorHandler(deps.logger));
  return app;
}
