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
}

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
    await this.sending;
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.options.connection);
    client.on('notification', (n) => this.onNotification(n));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    // The channel is built by this console from a checked schema name, never from input.
    await client.query(`LISTEN ${this.options.channel}`);
    this.listener = client;
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
