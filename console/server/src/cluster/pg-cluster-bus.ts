import pg from 'pg';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import { clusterEnvelope, type ClusterBus, type ClusterMessage } from './cluster-bus';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; the bridge keeps messages far below. */
export const MAX_NOTIFY_BYTES = 7900;

export interface PgClusterBusOptions {
  /** Client settings for the dedicated LISTEN connection (same database and schema as the store). */
  connection: pg.ClientConfig;
  /** Where NOTIFY is sent from: the store's pool. */
  pool: pg.Pool;
  /** NOTIFY channel shared by the nodes of one console (a plain identifier, ≤ 63 characters). */
  channel: string;
  nodeId: string;
  logger: Logger;
  /** Reconnect back-off bounds; 250 ms doubling up to 5 s by default. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /**
   * How often the idle LISTEN connection is asked `SELECT 1` (default 15 s). A server that vanished
   * without closing the connection (a failover, a cut network) would otherwise leave the node
   * deaf until the kernel gives up on the socket, hours later.
   */
  pingIntervalMs?: number;
}

/** A ping or LISTEN not answered within this long counts as a lost connection. */
const LISTENER_QUERY_TIMEOUT_MS = 10_000;

/**
 * The cluster bus over PostgreSQL LISTEN/NOTIFY: no broker besides the database every node already
 * needs. One dedicated client holds LISTEN and reconnects with back-off when it loses the server;
 * after a reconnect the resync handlers run, because notifications sent meanwhile are gone.
 */
export class PgClusterBus implements ClusterBus {
  readonly nodeId: string;
  private readonly handlers = new Set<(message: ClusterMessage) => void>();
  private readonly resyncHandlers = new Set<() => void>();
  private listener: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private closed = false;
  /** NOTIFYs go out one after another so other nodes see them in the order this node sent them. */
  private sending: Promise<void> = Promise.resolve();

  private constructor(private readonly options: PgClusterBusOptions) {
    this.nodeId = options.nodeId;
    this.backoffMs = options.reconnectMinMs ?? 250;
  }

  /** Connects the LISTEN client; fails if the database cannot be reached at start-up. */
  static async start(options: PgClusterBusOptions): Promise<PgClusterBus> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.channel)) throw new Error(`bad cluster channel name "${options.channel}"`);
    const bus = new PgClusterBus(options);
    await bus.connect();
    return bus;
  }

  publish(message: ClusterMessage): Promise<void> {
    const envelope = clusterEnvelope.safeParse({ origin: this.nodeId, message });
    if (!envelope.success) return Promise.reject(envelope.error);
    const payload = JSON.stringify(envelope.data);
    if (Buffer.byteLength(payload) > MAX_NOTIFY_BYTES) return Promise.reject(new Error(`cluster message too large (${Buffer.byteLength(payload)} bytes)`));
    const send = this.sending.then(async () => {
      await this.options.pool.query('SELECT pg_notify($1, $2)', [this.options.channel, payload]);
    });
    this.sending = send.catch(() => undefined);
    return send;
  }

  get listening(): boolean {
    return this.listener !== undefined;
  }

  subscribe(handler: (message: ClusterMessage) => void): () => void {
    this.handlers.add(handler);
    return () => void this.handlers.delete(handler);
  }

  onResync(handler: () => void): () => void {
    this.resyncHandlers.add(handler);
    return () => void this.resyncHandlers.delete(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    await this.sending;
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    // keepAlive: an idle LISTEN connection only learns of a dead server from the kernel's probes.
    const client = new pg.Client({ connectionTimeoutMillis: 10_000, keepAlive: true, query_timeout: LISTENER_QUERY_TIMEOUT_MS, ...this.options.connection });
    client.on('notification', (n) => this.onNotification(n));
    // Registered before connecting: a connection lost at any moment is handled, never unhandled.
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      // The channel is built by this console from a checked schema name, never from input.
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (err) {
      // Connected but LISTEN failed (the server went away again): do not leak the connection.
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.startPing(client);
  }

  /** Pings the idle LISTEN connection; an unanswered or failed ping is a lost connection. */
  private startPing(client: pg.Client): void {
    clearInterval(this.pingTimer);
    // One ping at a time: the client's query timeout ends one that gets no answer.
    let pinging = false;
    this.pingTimer = setInterval(() => {
      if (this.listener !== client || pinging) return;
      pinging = true;
      client.query('SELECT 1').then(
        () => {
          pinging = false;
        },
        (err: unknown) => this.lost(client, err instanceof Error ? err : new Error(String(err))),
      );
    }, this.options.pingIntervalMs ?? 15_000);
    this.pingTimer.unref();
  }

  private onNotification(notification: pg.Notification): void {
    if (notification.channel !== this.options.channel || notification.payload === undefined) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(notification.payload);
    } catch {
      parsed = undefined;
    }
    const envelope = clusterEnvelope.safeParse(parsed);
    if (!envelope.success) {
      // Anyone who can connect to the database can NOTIFY: never act on a malformed message.
      this.options.logger.warn('cluster message refused', { issues: envelope.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`) });
      return;
    }
    if (envelope.data.origin === this.nodeId) return;
    for (const handler of this.handlers) handler(envelope.data.message);
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.closed || this.listener !== client) return;
    this.listener = undefined;
    clearInterval(this.pingTimer);
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    this.options.logger.warn('cluster listener lost its connection; reconnecting', { ...errorFields(err), retryInMs: this.backoffMs });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.reconnectMaxMs ?? 5000);
    this.reconnectTimer = setTimeout(() => {
      this.connect().then(
        () => {
          this.backoffMs = this.options.reconnectMinMs ?? 250;
          this.options.logger.info('cluster listener reconnected');
          for (const handler of this.resyncHandlers) handler();
        },
        (err: unknown) => {
          this.options.logger.warn('cluster listener reconnect failed', errorFields(err));
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.reconnectTimer.unref();
  }
}
