import type { Logger } from '../logging/logger';
import type { AgentService } from '../services/agent-service';
import type { EnrollmentService } from '../services/enrollment-service';
import type { EventService } from '../services/event-service';
import type { ExceptionService } from '../services/exception-service';
import type { PolicyService } from '../services/policy-service';
import type { AgentConnection } from './agent-connection';
import type { GatewayMetrics } from './gateway-metrics';

/** What a connection needs from the rest of the console. */
export interface ConnectionContext {
  enrollment: EnrollmentService;
  agents: AgentService;
  policies: PolicyService;
  events: EventService;
  exceptions: ExceptionService;
  consoleKey: { keyId: string; publicKey: string };
  logger: Logger;
  metrics: GatewayMetrics;
  /** Makes this the agent's one live connection, closing any older one with 4409. */
  register(agentId: string, connection: AgentConnection): void;
  /** Forgets the connection; true when it was still the agent's current one. */
  unregister(agentId: string, connection: AgentConnection): boolean;
  /** Tracks background work (offline marks) so shutdown can wait for it before closing the store. */
  track(work: Promise<unknown>): void;
}
