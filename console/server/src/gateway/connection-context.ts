import type { ScanStatusMessage } from '@dlp/shared';
import type { Logger } from '../logging/logger';
import type { AgentService } from '../agents/agent-service';
import type { EnrollmentService } from '../enrollment/enrollment-service';
import type { EventService } from '../events/event-service';
import type { ExceptionService } from '../exceptions/exception-service';
import type { PolicyService } from '../policies/policy-service';
import type { GatewayMetrics } from '../ops/gateway-metrics';

/**
 * What a connection's message handlers need from the rest of the console. The connection registry
 * (`register`/`unregister`, typed by the connection class) is added in agent-connection.ts, so the
 * handlers in agent-reports.ts and enrollment-answer.ts do not depend on the class that calls them.
 */
export interface ConnectionServices {
  enrollment: EnrollmentService;
  agents: AgentService;
  policies: PolicyService;
  events: EventService;
  exceptions: ExceptionService;
  consoleKey: { keyId: string; publicKey: string };
  logger: Logger;
  metrics: GatewayMetrics;
  /** Keeps what agents report of console-requested scans (absent: such reports are only logged). */
  scans?: { recordStatus(agentId: string, status: ScanStatusMessage): void } | undefined;
  /** Tracks background work (offline marks) so shutdown can wait for it before closing the store. */
  track(work: Promise<unknown>): void;
}
