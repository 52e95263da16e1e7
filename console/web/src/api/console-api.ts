import { createAgentScansApi, type AgentScansApi } from './agent-scans-api';
import { createAgentsApi, type AgentsApi } from './agents-api';
import { createAlertsApi, type AlertsApi } from './alerts-api';
import { createAuditApi, type AuditApi } from './audit-api';
import { createAuthApi, type AuthApi } from './auth-api';
import { openEventStream, type EventStreamHandle, type EventStreamListener } from './event-stream';
import { createEventsApi, type EventsApi } from './events-api';
import { createExceptionsApi, type ExceptionsApi } from './exceptions-api';
import { createGroupsApi, type GroupsApi } from './groups-api';
import { createHttpClient, type HttpClientOptions } from './http-client';
import { createPoliciesApi, type PoliciesApi } from './policies-api';
import { createReportsApi, type ReportsApi } from './reports-api';
import { createSettingsApi, type SettingsApi } from './settings-api';
import { createTriageApi, type TriageApi } from './triage-api';
import { createUsersApi, type UsersApi } from './users-api';

/** Everything the UI asks of the console, in one typed object that pages receive through context. */
export interface ConsoleApi {
  auth: AuthApi;
  agents: AgentsApi;
  /** Scans of data at rest asked of an agent. */
  scans: AgentScansApi;
  events: EventsApi;
  policies: PoliciesApi;
  exceptions: ExceptionsApi;
  groups: GroupsApi;
  audit: AuditApi;
  users: UsersApi;
  /** Event search with triage states, triage changes, CSV export. */
  triage: TriageApi;
  /** Aggregations for the reports page. */
  reports: ReportsApi;
  /** Alert rules, destinations and fired alerts. */
  alerts: AlertsApi;
  /** Console settings (password rotation). */
  settings: SettingsApi;
  /** Live events (SSE). */
  streamEvents(listener: EventStreamListener): EventStreamHandle;
  /** Called when a request that needed a session got 401: the session expired or was revoked. */
  onUnauthorized(listener: () => void): () => void;
  /** Called when a request got 403 `password_expired`: the user must change their password first. */
  onPasswordExpired(listener: () => void): () => void;
}

export function createConsoleApi(options: HttpClientOptions = {}): ConsoleApi {
  const http = createHttpClient(options);
  const auth = createAuthApi(http);
  return {
    auth,
    agents: createAgentsApi(http, options.baseUrl ?? ''),
    scans: createAgentScansApi(http),
    events: createEventsApi(http),
    policies: createPoliciesApi(http),
    exceptions: createExceptionsApi(http),
    groups: createGroupsApi(http),
    audit: createAuditApi(http, options.baseUrl ?? ''),
    users: createUsersApi(http),
    triage: createTriageApi(http, options.baseUrl ?? ''),
    reports: createReportsApi(http),
    alerts: createAlertsApi(http),
    settings: createSettingsApi(http),
    streamEvents(listener) {
      return openEventStream(`${options.baseUrl ?? ''}/api/v1/events/stream`, {
        ...listener,
        onRefused() {
          listener.onRefused?.();
          // EventSource hides the status code; ask the console whether the session is still valid
          // so an expired session leads to the sign-in page instead of endless reconnecting.
          auth.currentUser().then(
            (user) => {
              if (!user) http.reportUnauthorized();
            },
            () => undefined, // unreachable console: the stream keeps retrying and shows "reconnecting"
          );
        },
      });
    },
    onUnauthorized: (listener) => http.onUnauthorized(listener),
    onPasswordExpired: (listener) => http.onPasswordExpired(listener),
  };
}
