import { LIMITS } from '@dlp/shared';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '../logging/logger';
import type { AgentService } from '../services/agent-service';
import type { AuthService } from '../services/auth-service';
import type { EnrollmentService } from '../services/enrollment-service';
import type { EventService } from '../services/event-service';
import type { PolicyService } from '../services/policy-service';
import { agentRoutes } from './agent-routes';
import { apiErrorHandler, apiNotFound, HttpError } from './api-error';
import { authRoutes } from './auth-routes';
import { enrollSecretRoutes } from './enroll-secret-routes';
import { eventRoutes } from './event-routes';
import type { EventStreams } from './event-stream';
import { policyRoutes } from './policy-routes';
import { loadSession } from './session-cookie';
import { webUi } from './web-ui';

export interface HttpAppDeps {
  auth: AuthService;
  enrollment: EnrollmentService;
  agents: AgentService;
  policies: PolicyService;
  events: EventService;
  streams: EventStreams;
  logger: Logger;
  webDir: string | undefined;
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

const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/** The Express app: /healthz, the REST API under /api/v1, and the web UI for everything else. */
export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(securityHeaders);

  app.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ ok: true });
  });

  const api = express.Router();
  api.use(noStore);
  api.use(requireJsonContentType);
  api.use(express.json({ limit: LIMITS.maxRestBodyBytes, strict: true, type: 'application/json' }));
  api.use(loadSession(deps.auth));
  api.use(authRoutes(deps.auth));
  api.use(enrollSecretRoutes(deps.enrollment));
  api.use(policyRoutes(deps.policies));
  api.use(agentRoutes(deps.agents));
  api.use(eventRoutes(deps.events, deps.streams));
  api.use(apiNotFound);
  api.use(apiErrorHandler(deps.logger));
  app.use('/api/v1', api);
  app.use('/api', apiNotFound);

  app.use(webUi(deps.webDir));
  app.use(apiErrorHandler(deps.logger));
  return app;
}
