import type { IncomingMessage } from 'node:http';
import type { BlockList } from 'node:net';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, LIMITS } from '@dlp/shared';
import { WebSocketServer, type WebSocket } from 'ws';
import { errorFields, type Logger } from '../logging/logger';
import type { AgentScanService } from '../agents/agent-scan-service';
import type { AgentService } from '../agents/agent-service';
import type { ConsoleEvents } from '../service-kit/console-events';
import type { EnrollmentService } from '../enrollment/enrollment-service';
import type { EventService } from '../events/event-service';
import type { ExceptionService } from '../exceptions/exception-service';
import type { PolicyService } from '../policies/policy-service';
import { forwardedClientAddress } from '../http/trusted-proxies';
import { AgentConnection, type ConnectionContext } from './agent-connection';
import { NO_GATEWAY_METRICS, type GatewayMetrics, type OutboxBacklog } from '../ops/gateway-metrics';

/** The path agents connect to. */
export const AGENT_PATH = '/agent';

export interface GatewayTimings {
  /** The first message must arrive within this time (close 4408 otherwise). */
  helloTimeoutMs: number;
  /** How often the console pings every agent socket. */
  pingIntervalMs: number;
  /** A socket with no frame (pong included) for this long is dropped and its agent marked offline. */
  livenessTimeoutMs: number;
  /**
   * Connections not yet through hello (or enrolling) beyond which new ones get 503 with a jittered
   * Retry-After instead of a handshake: after an outage the fleet's reconnects queue outside.
   */
  maxPendingHandshakes?: number;
}

/** Default for GatewayTimings.maxPendingHandshakes. */
export const DEFAULT_MAX_PENDING_HANDSHAKES = 128;

export const DEFAULT_GATEWAY_TIMINGS: GatewayTimings = { helloTimeoutMs: 10_000, pingIntervalMs: 30_000, livenessTimeoutMs: 90_000 };

export interface GatewayDeps {
  enrollment: EnrollmentService;
  agents: AgentService;
  policies: PolicyService;
  events: EventService;
  exceptions: ExceptionService;
  bus: ConsoleEvents;
  consoleKey: { keyId: string; publicKey: string };
  logger: Logger;
  /** Counters for /metrics; none by default. */
  metrics?: GatewayMetrics;
  /** `--trust-proxy`: whose X-Forwarded-For on the upgrade request names the agent's address (as for REST). */
  trustedProxies?: BlockList | undefined;
  /** Console-requested scans: their reports are kept there (absent: only logged). */
  scans?: AgentScanService | undefined;
}

/** How long shutdown waits for agents to finish the close handshake before cutting them off. */
const CLOSE_GRACE_MS = 3000;

/**
 * The `/agent` ws endpoint: accepts connections, keeps one live connection per agent, pushes
 * policy changes and revocations, and drops peers that stop answering pings.
 */
export class AgentGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.maxMessageBytes, clientTracking: false });
  private readonly connections = new Set<AgentConnection>();
  private readonly byAgent = new Map<string, AgentConnection>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly livenessTimer: NodeJS.Timeout;
  private readonly unsubscribe: Array<() => void>;
  private closing = false;

  constructor(
    private readonly deps: GatewayDeps,
    private readonly timings: GatewayTimings = DEFAULT_GATEWAY_TIMINGS,
  ) {
    this.livenessTimer = setInterval(() => this.checkLiveness(), timings.pingIntervalMs);
    this.livenessTimer.unref();
    this.unsubscribe = [
      deps.bus.on('policy-changed', ({ groupIds, policy }) => {
        for (const connection of this.byAgent.values()) {
          if (connection.groupId !== undefined && groupIds.includes(connection.groupId)) connection.offerPolicy(policy);
        }
      }),
      deps.bus.on('agent-revoked', (agentId) => {
        this.byAgent.get(agentId)?.refuse(CLOSE_CODES.revoked, 'revoked', 'this agent was revoked');
      }),
      deps.bus.on('agent-moved', ({ agentId, groupId, policy }) => {
        this.byAgent.get(agentId)?.moveTo(groupId, policy);
      }),
      deps.bus.on('exception-granted', ({ agentId, signed }) => this.byAgent.get(agentId)?.offerException(signed)),
      deps.bus.on('exception-revoked', ({ agentId, id, serial }) => this.byAgent.get(agentId)?.offerExceptionRevoke(id, serial)),
      deps.bus.on('agent-scan-requested', (request) => this.byAgent.get(request.agentId)?.offerScanRequest(request)),
    ];
  }

  /** Agents with a live, authenticated connection right now. */
  get connectedAgentCount(): number {
    return this.byAgent.size;
  }

  /** Ids of the agents with a live, authenticated connection right now. */
  connectedAgentIds(): string[] {
    return [...this.byAgent.keys()];
  }

  /** Outbox depths connected agents last reported in heartbeats (for /metrics). */
  outboxBacklog(): OutboxBacklog {
    const backlog: OutboxBacklog = { total: 0, max: 0, reporting: 0 };
    for (const connection of this.byAgent.values()) {
      const depth = connection.outboxDepth;
      if (depth === undefined) continue;
      backlog.total += depth;
      backlog.max = Math.max(backlog.max, depth);
      backlog.reporting += 1;
    }
    return backlog;
  }

  /** Hands an HTTP upgrade for AGENT_PATH to the ws server. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    // Shed load before the handshake costs anything: agents retry after Retry-After (1-3 s, spread).
    if (this.connections.size - this.byAgent.size >= (this.timings.maxPendingHandshakes ?? DEFAULT_MAX_PENDING_HANDSHAKES)) {
      (this.deps.metrics ?? NO_GATEWAY_METRICS).agentRefused('busy');
      socket.end(`HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${1 + Math.floor(Math.random() * 3)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      try {
        this.accept(ws, forwardedClientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], this.deps.trustedProxies));
      } catch (err) {
        // A bug while setting up one connection ends that connection, not the console.
        this.deps.logger.error('agent connection setup failed', { remoteAddress: req.socket.remoteAddress, ...errorFields(err) });
        ws.terminate();
      }
    });
  }

  /** Closes every agent with 1001 (going away), waits for in-flight work, then marks all offline. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.livenessTimer);
    for (const off of this.unsubscribe) off();
    const closed = [...this.connections].map((connection) => this.closedOrTerminated(connection));
    for (const connection of this.connections) connection.close(CLOSE_CODES.goingAway, 'console shutting down');
    await Promise.all(closed);
    await Promise.all([...this.connections].map((c) => c.idle()));
    await Promise.allSettled([...this.background]);
    await this.deps.agents.markAllOffline().catch((err: unknown) => this.deps.logger.error('could not mark agents offline', errorFields(err)));
    this.wss.close();
  }

  private accept(ws: WebSocket, remoteAddress: string): void {
    const context: ConnectionContext = {
      enrollment: this.deps.enrollment,
      agents: this.deps.agents,
      policies: this.deps.policies,
      events: this.deps.events,
      exceptions: this.deps.exceptions,
      scans: this.deps.scans,
      consoleKey: this.deps.consoleKey,
      logger: this.deps.logger,
      metrics: this.deps.metrics ?? NO_GATEWAY_METRICS,
      register: (agentId, connection) => this.register(agentId, connection),
      unregister: (agentId, connection) => this.unregister(agentId, connection),
      track: (work) => this.track(work),
    };
    const connection = new AgentConnection(ws, remoteAddress, context, this.timings.helloTimeoutMs);
    this.connections.add(connection);
    ws.once('close', () => {
      // Keep it until its queued frames are handled so shutdown can wait for them.
      this.track(connection.idle().then(() => this.connections.delete(connection)));
    });
    if (this.closing) connection.close(CLOSE_CODES.goingAway, 'console shutting down');
  }

  private register(agentId: string, connection: AgentConnection): void {
    const previous = this.byAgent.get(agentId);
    this.byAgent.set(agentId, connection);
    if (previous && previous !== connection) {
      previous.refuse(CLOSE_CODES.replaced, 'replaced', 'a newer connection for this agent replaced this one');
    }
  }

  private unregister(agentId: string, connection: AgentConnection): boolean {
    if (this.byAgent.get(agentId) !== connection) return false;
    this.byAgent.delete(agentId);
    return true;
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  private checkLiveness(): void {
    const deadline = Date.now() - this.timings.livenessTimeoutMs;
    for (const connection of this.connections) {
      if (connection.isClosed) continue;
      if (connection.lastFrameAtMs < deadline) connection.terminate('no frame within the liveness timeout');
      else connection.ping();
    }
  }

  private closedOrTerminated(connection: AgentConnection): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        connection.terminate('shutdown grace period over');
        resolve();
      }, CLOSE_GRACE_MS);
      timer.unref();
      connection.onceClosed(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
