import type { BlockList } from 'node:net';
import { LIMITS, nestsDeeperThan } from '@dlp/shared';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '../logging/logger';
import type { ConsoleMetrics } from '../ops/console-metrics';
import type { Readiness } from '../ops/readiness';
import { requestLog } from '../ops/request-log';
import type { AgentRemovalService } from '../agents/agent-removal-service';
import type { AgentScanService } from '../agents/agent-scan-service';
import type { AgentService } from '../agents/agent-service';
import type { ApiTokenService } from '../accounts/api-token-service';
import type { AuditService } from '../audit/audit-service';
import type { AuthService } from '../accounts/auth-service';
import type { EnrollmentService } from '../enrollment/enrollment-service';
import type { EventService } from '../events/event-service';
import type { LifecycleServices } from './lifecycle-services';
import type { PolicyService } from '../policies/policy-service';
import type { SettingsService } from '../settings/settings-service';
import type { UserService } from '../accounts/user-service';
import type { ReportServices } from '../reports/report-services';
import { agentRemovalRoutes } from '../agents/agent-removal-routes';
import { agentRoutes } from '../agents/agent-routes';
import { agentScanRoutes } from '../agents/agent-scan-routes';
import { alertRoutes } from '../alerts/alert-routes';
import type { AlertService } from '../alerts/alert-service';
import { apiTokenRoutes } from '../accounts/api-token-routes';
import { apiErrorHandler, apiNotFound, HttpError } from '../http/api-error';
import { auditRoutes } from '../audit/audit-routes';
import { authRoutes } from '../accounts/auth-routes';
import { enrollSecretRoutes } from '../enrollment/enroll-secret-routes';
import { eventRoutes } from '../events/event-routes';
import { lifecycleRoutes } from './lifecycle-routes';
import type { EventStreams } from '../events/event-stream';
import { policyRoutes } from '../policies/policy-routes';
import { exportRoutes } from '../reports/export-routes';
import { contentReportRoutes } from '../reports/content-report-routes';
import { triageRoutes } from '../triage/triage-routes';
import { reportScheduleRoutes } from '../reports/report-schedule-routes';
import { openApiRoutes, opsRoutes } from './ops-routes';
import { loadSession } from '../http/session-cookie';
import { settingsRoutes } from '../settings/settings-routes';
import { userRoutes } from '../accounts/user-routes';
import { webUi } from '../http/web-ui';
import type { LiveAccess } from '../service-kit/live-access';
import { applyTrustedProxies } from '../http/trusted-proxies';

export interface HttpAppDeps {
  auth: AuthService;
  /** The audit log: `deps.audit.record({...})` for every admin and officer action. */
  audit: AuditService;
  users: UserService;
  apiTokens: ApiTokenService;
  settings: SettingsService;
  agentRemoval: AgentRemovalService;
  /** Scans of data at rest the console asks agents for. */
  agentScans: AgentScanService;
  enrollment: EnrollmentService;
  agents: AgentService;
  policies: PolicyService;
  /** Groups, drafts, rollout, exceptions, unlock codes. */
  lifecycle: LifecycleServices;
  events: EventService;
  streams: EventStreams;
  /** What people hold open (streams, downloads) ends with their credential. */
  liveAccess: LiveAccess;
  logger: Logger;
  webDir: string | undefined;
  /** Alert rules, destinations and fired alerts. */
  alerts: AlertService;
  /** Proxies whose X-Forwarded-For names the client (`--trust-proxy`); none by default. */
  trustedProxies?: BlockList | undefined;
  /** Officers' triage, CSV export and scheduled reports. */
  reports: Pick<ReportServices, 'triage' | 'eventExport' | 'schedules' | 'contentReport'>;
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
  api.use(auditRoutes(deps.audit, deps.liveAccess));
  api.use(agentRemovalRoutes(deps.agentRemoval));
  api.use(enrollSecretRoutes(deps.enrollment, deps.audit));
  api.use(policyRoutes(deps.policies));
  api.use(agentRoutes(deps.agents, deps.audit));
  api.use(agentScanRoutes(deps.agentScans, deps.agents));
  api.use(lifecycleRoutes(deps.lifecycle));
  api.use(eventRoutes(deps.events, deps.streams));
  api.use(alertRoutes(deps.alerts));
  api.use(triageRoutes(deps.reports.triage));
  api.use(exportRoutes(deps.reports.eventExport, deps.audit, deps.liveAccess));
  api.use(reportScheduleRoutes(deps.reports.schedules));
  api.use(contentReportRoutes(deps.reports.contentReport));
  api.use(apiNotFound);
  api.use(apiErrorHandler(deps.logger));
  app.use('/api/v1', api);
  app.use('/api', apiNotFound);

  app.use(webUi(deps.webDir));
  app.use(apiErrorHandler(deps.logger));
  return app;
}
