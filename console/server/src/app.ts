import type { Express } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { certificateSpkiSha256, keySha256Of } from '@dlp/shared/node';
import { AGENT_PATH, AgentGateway, DEFAULT_GATEWAY_TIMINGS, type GatewayTimings } from './gateway/agent-gateway';
import { createJsonLogger, errorFields, type Logger } from './logging/logger';
import { DEFAULT_STREAM_TIMINGS, EventStreams, type EventStreamTimings } from './events/event-stream';
import { LiveAccess } from './service-kit/live-access';
import { ConsoleMetrics } from './ops/console-metrics';
import { parseAddressList } from './ops/metrics-access';
import { Readiness } from './ops/readiness';
import { createHttpApp } from './wiring/http-app';
import { startAlerting, type Alerting, type AlertingOptions } from './alerts/alerting';
import { AgentRemovalService } from './agents/agent-removal-service';
import { AgentScanService } from './agents/agent-scan-service';
import { AgentService } from './agents/agent-service';
import { ApiTokenService } from './accounts/api-token-service';
import { AuditService } from './audit/audit-service';
import { AuthService } from './accounts/auth-service';
import { ConsoleEvents } from './service-kit/console-events';
import { EnrollmentService } from './enrollment/enrollment-service';
import { EventService } from './events/event-service';
import { createLifecycleServices } from './wiring/lifecycle-services';
import { runFirstStart } from './wiring/first-start';
import { PolicyService } from './policies/policy-service';
import { SettingsService } from './settings/settings-service';
import { UserService } from './accounts/user-service';
import { createReportServices, type ReportOptions } from './reports/report-services';
import { createPolicySigner } from './signing/policy-signer';
import { loadOrCreateSigningKey } from './signing/signing-key';
import { ClusterBridge } from './cluster/cluster-bridge';
import { openConsoleNode } from './cluster/console-node';
import { checkClusterSigningKey } from './cluster/signing-key-guard';
import { loadOrCreateSelfSignedTls } from './tls/console-tls';
import { preparePrivateDataDir, tightenDataDirModes } from './ops/private-data-dir';
import { createConsoleServer, DEFAULT_SERVER_LIMITS, upgradePath, type ServerLimits } from './transport/console-http-server';
import type { ConsoleStore } from './store/store';
import type { LoginThrottleOptions } from './auth/login-throttle';
import { parseTrustedProxies } from './http/trusted-proxies';

export interface ConsoleOptions {
  /** Holds console.sqlite and keys/signing.pem; created if missing. */
  dataDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The built web UI (dist/console/web); without it `/` explains that the UI was not built. */
  webDir?: string;
  /** First admin's password; when absent a random one is announced once on first start. */
  adminPassword?: string;
  /** Registered as the "local agent" enroll secret if not yet known. */
  localEnrollSecret?: string;
  /** A new console's first policy reports a program named dlp-demo-blocked (`--demo-rule`). */
  demoRule?: boolean;
  /** Serve HTTPS (and wss) with this certificate; session cookies then get the Secure flag. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Without `tls`: serve HTTPS/wss with a self-signed certificate made on first start (kept in dataDir/tls). */
  selfSignedTls?: boolean;
  /** The clock exceptions are granted by (tests shift it to see grants expire); Date.now by default. */
  exceptionClock?: () => number;
  logger?: Logger;
  /** Where the one-time first-admin line is written; stdout by default. */
  announce?: (line: string) => void;
  /** Agent gateway timings; the defaults are the protocol's (10 s hello, 30 s ping, 90 s liveness). */
  gateway?: Partial<GatewayTimings>;
  /** Comment heartbeat interval of the SSE stream; 15 s by default. */
  sseHeartbeatMs?: number;
  /** Live streams: maximum lifetime (1 h) and access re-check interval (30 s); see EventStreamTimings. */
  streams?: Partial<Pick<EventStreamTimings, 'maxLifetimeMs' | 'recheckMs' | 'epochPollMs'>>;
  /** SQLite durability; FULL by default because events are acked only after commit. */
  synchronous?: 'FULL' | 'NORMAL';
  /** postgres://… : use PostgreSQL (several console nodes may share it) instead of DATA_DIR/console.sqlite. */
  databaseUrl?: string;
  /** Schema holding the console's tables in that database (tests use one each). */
  databaseSchema?: string;
  /** This node's stable name in a cluster (default host:port). */
  nodeId?: string;
  /** PostgreSQL: event-ingest transactions in flight at once (see PostgresStoreOptions). */
  ingestTransactions?: number;
  /** PostgreSQL: statement timeout in ms (default 30 s; 0 disables); see PostgresStoreOptions. */
  statementTimeoutMs?: number;
  /** Alert engine tuning (tests: a short agent scan interval, an injected clock, short delivery timeouts). */
  alerts?: Pick<AlertingOptions, 'now' | 'scanIntervalMs' | 'dispatcher'>;
  /** Peers (IPs or CIDRs, comma-separated) that may scrape /metrics without credentials; none by default. */
  metricsAllow?: string;
  /** Scheduled reports: SMTP settings, the folder root, runner tuning. */
  reports?: ReportOptions;
  /** Header/body timeouts and the connection cap (defaults: DEFAULT_SERVER_LIMITS). */
  serverLimits?: Partial<ServerLimits>;
  /** `--trust-proxy`: IPs/CIDRs of reverse proxies whose X-Forwarded-For names the client. */
  trustProxy?: string;
  /** Per-address login brake tuning (tests shorten it); see DEFAULT_LOGIN_THROTTLE. */
  loginThrottle?: Partial<LoginThrottleOptions>;
  /** Enrollments per minute per enroll secret when the secret sets no rate of its own. */
  enrollRatePerMinute?: number;
}

export interface RunningConsole {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** ws(s)://host:port/agent */
  agentUrl: string;
  port: number;
  /** What agents pin at enrollment. */
  consoleKey: { keyId: string; publicKey: string };
  /** SHA-256 of the TLS certificate's public key (what agents pin; `consoleCertSha256` in their config), or null without TLS. */
  certSha256: string | null;
  /** The Express app serving REST and the web UI (route introspection in tests). */
  httpApp: Express;
  /** This node's alert delivery counters per destination (for /metrics). */
  alertDeliveryCounters: Alerting['deliveryCounters'];
  /** Closes agents (1001), live streams, the HTTP server and the database. Idempotent. */
  close(): Promise<void>;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Composition root: opens the store, loads the signing key, runs first-start setup, and serves
 * the REST API, the web UI and the agent gateway on one HTTP(S) server.
 */
export async function createConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const logger = options.logger ?? createJsonLogger();
  const host = options.host ?? '127.0.0.1';
  preparePrivateDataDir(options.dataDir, logger);
  const key = loadOrCreateSigningKey(options.dataDir, logger);
  const tls = options.tls ?? (options.selfSignedTls === true ? loadOrCreateSelfSignedTls(options.dataDir, host, logger) : undefined);
  const certSha256 = tls ? certificateSpkiSha256(Buffer.from(tls.cert)) : null;
  const signer = createPolicySigner(key);
  const node = await openConsoleNode({
    dataDir: options.dataDir,
    logger,
    ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.databaseSchema !== undefined ? { databaseSchema: options.databaseSchema } : {}),
    ...(options.nodeId !== undefined ? { nodeId: options.nodeId } : {}),
    ...(options.ingestTransactions !== undefined ? { ingestTransactions: options.ingestTransactions } : {}),
    ...(options.statementTimeoutMs !== undefined ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.synchronous !== undefined ? { synchronous: options.synchronous } : {}),
  });
  const store: ConsoleStore = node.store;
  // Files made just now (console.sqlite and its -wal/-shm, a new TLS key pair) got the umask's modes.
  for (const fix of tightenDataDirModes(options.dataDir, logger)) logger.debug('made a new data file private', { ...fix });

  try {
    // Nodes sharing a database must share the signing key (a single SQLite node has nothing to compare).
    if (node.kind === 'postgres') await checkClusterSigningKey(store, signer.keyId);
    const audit = new AuditService(store);
    const bus = new ConsoleEvents((event, err) => logger.error('console event listener failed', { event, ...errorFields(err) }));
    // Other console nodes on the same database hear what this one announces, and vice versa.
    const cluster = new ClusterBridge({ events: bus, bus: node.bus, store, ...(node.readEvents ? { readEvents: node.readEvents } : {}), logger });
    const auth = new AuthService(store, logger, audit, bus, options.loginThrottle);
    const users = new UserService(store, audit, bus);
    const apiTokens = new ApiTokenService(store, audit, bus);
    const settings = new SettingsService(store, audit);
    const enrollment = new EnrollmentService(store, logger, { defaultRatePerMinute: options.enrollRatePerMinute });
    const agents = new AgentService(store, bus);
    const agentRemoval = new AgentRemovalService(store, bus, audit);
    const agentScans = new AgentScanService(store, bus, audit);
    const policies = new PolicyService(store, signer, bus, audit);
    const events = new EventService(store, bus, agents.clocks);
    const reports = createReportServices({ store, audit, logger, dataDir: options.dataDir, nodeId: node.nodeId }, options.reports);
    const lifecycle = createLifecycleServices({ store, agents, policies, audit, bus, signingKey: key, ...(options.exceptionClock ? { now: options.exceptionClock } : {}) });
    await runFirstStart(
      { auth, agents, policies, enrollment, logger },
      {
        ...(options.adminPassword !== undefined ? { adminPassword: options.adminPassword } : {}),
        ...(options.localEnrollSecret !== undefined ? { localEnrollSecret: options.localEnrollSecret } : {}),
        demoRule: options.demoRule === true,
        announce: options.announce ?? ((line) => void process.stdout.write(`${line}\n`)),
      },
    );

    const consoleKey = { keyId: signer.keyId, publicKey: signer.publicKey };
    const alerting = await startAlerting({ store, audit, bus, logger, ...options.alerts });
    const streamTimings = { ...DEFAULT_STREAM_TIMINGS, ...(options.sseHeartbeatMs !== undefined ? { heartbeatMs: options.sseHeartbeatMs } : {}), ...options.streams };
    // Live streams and CSV downloads end with the credential they were opened with.
    const liveAccess = new LiveAccess(bus, auth, streamTimings, logger, () => store.users.principalEpoch());
    const streams = new EventStreams(events, liveAccess, streamTimings);
    const metrics = new ConsoleMetrics();
    // Alert delivery per destination on this node (read at scrape time; counters since start).
    metrics.registry.gauge(
      'dlp_alert_deliveries_total',
      'Alert deliveries per destination on this node since it started, by outcome (sent, failed, dropped, retried, rate_limited).',
      () =>
        alerting.deliveryCounters().flatMap((c) =>
          (
            [
              ['sent', c.sent],
              ['failed', c.failed],
              ['dropped', c.dropped],
              ['retried', c.retries],
              ['rate_limited', c.rateLimited],
            ] as const
          ).map(([outcome, value]) => ({ labels: { destination: c.name, kind: c.kind, outcome }, value })),
        ),
      'counter',
    );
    metrics.registry.gauge('dlp_alert_queue_depth', 'Alerts waiting per destination on this node (the one being sent included).', () =>
      alerting.deliveryCounters().map((c) => ({ labels: { destination: c.name, kind: c.kind }, value: c.queued })),
    );
    const trustedProxies = options.trustProxy ? parseTrustedProxies(options.trustProxy) : undefined;
    const gateway = new AgentGateway(
      { enrollment, agents, policies, events, exceptions: lifecycle.exceptions, bus, consoleKey, logger, metrics, trustedProxies, scans: agentScans },
      { ...DEFAULT_GATEWAY_TIMINGS, ...options.gateway },
    );
    metrics.setSources({ connectedAgents: () => gateway.connectedAgentCount, outboxBacklog: () => gateway.outboxBacklog() });
    node.trackConnectedAgents(() => gateway.connectedAgentIds());
    const readiness = new Readiness([
      // A read of a table the migrations create: the database answers and has its schema.
      { name: 'database', check: async () => void (await store.settings.get('readiness-probe')) },
      // Reads may work while commits fail (a full disk, a read-only standby): then nothing is acked.
      { name: 'writes', check: () => node.writeHealth.check() },
      { name: 'signingKey', check: async () => (signer.keyId.length > 0 && signer.publicKey.length > 0 ? undefined : 'missing') },
      // With several nodes: while this node cannot hear the others, its agents would miss pushes.
      ...(node.kind === 'postgres' ? [{ name: 'clusterBus', check: async () => (node.bus.listening ? undefined : 'reconnecting') }] : []),
    ]);
    const ops = { metrics, readiness, metricsAllow: options.metricsAllow ? parseAddressList(options.metricsAllow) : undefined };
    const app = createHttpApp({ auth, audit, users, apiTokens, settings, agentRemoval, agentScans, enrollment, agents, policies, lifecycle, events, streams, liveAccess, logger, webDir: options.webDir, reports, ops, alerts: alerting.service, trustedProxies });
    const server: Server = createConsoleServer({
      app,
      tls,
      limits: { ...DEFAULT_SERVER_LIMITS, ...options.serverLimits },
      logger,
      onUpgrade: (req, socket, head) => {
        if (upgradePath(req) === AGENT_PATH) gateway.handleUpgrade(req, socket, head);
        else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      },
    });

    const address = await listen(server, options.port ?? 0, host);
    const scheme = tls ? 'https' : 'http';
    const url = `${scheme}://${hostForUrl(host)}:${address.port}`;
    readiness.markServing();
    // signingKeySha256 goes into agents' consoleSigningKeySha256 to pin the key before first contact.
    logger.info('console listening', { url, keyId: signer.keyId, signingKeySha256: keySha256Of(signer.publicKey), dataDir: options.dataDir, certSha256 });

    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        readiness.markStopping();
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        await gateway.close();
        await alerting.close();
        await reports.close();
        streams.closeAll();
        liveAccess.close();
        server.closeAllConnections();
        await serverClosed;
        await cluster.close();
        agentScans.close();
        await node.close();
        logger.info('console stopped');
      })();
      return closing;
    };
    return { url, agentUrl: `${tls ? 'wss' : 'ws'}://${hostForUrl(host)}:${address.port}${AGENT_PATH}`, port: address.port, consoleKey, certSha256, httpApp: app, alertDeliveryCounters: alerting.deliveryCounters, close };
  } catch (err) {
    await node.close().catch(() => undefined);
    throw err;
  }
}
