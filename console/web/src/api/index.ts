export { ApiRequestError, isApiRequestError, isUnreachable, type ApiFailureKind } from './api-error';
export { ApiProvider, useApi } from './api-context';
export { createConsoleApi, type ConsoleApi } from './console-api';
export type { AgentListQuery, AgentsApi } from './agents-api';
export type { AuthApi } from './auth-api';
export type { EventListQuery, EventsApi } from './events-api';
export type { PoliciesApi } from './policies-api';
export type { EventStreamHandle, EventStreamListener, StreamStatus } from './event-stream';
