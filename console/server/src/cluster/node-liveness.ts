import { errorFields, type Logger } from '../logging/logger';
import type { PgStatements } from '../store/postgres/pg-statements';

export interface NodeLivenessOptions {
  sql: PgStatements;
  nodeId: string;
  logger: Logger;
  /** How often this node stamps its row and looks for silent nodes. */
  intervalMs?: number;
  /** A node not heard from for this long is taken for dead (a few intervals, so a GC pause is not death). */
  silentAfterMs?: number;
  now?: () => number;
}

/** Agents this node holds a connection for now (the gateway's registry); see {@link NodeLiveness.trackConnectedAgents}. */
export type ConnectedAgents = () => readonly string[];

/**
 * Several nodes on one PostgreSQL: every node stamps `cluster_nodes` every few seconds, and marks
 * offline the agents recorded as connected to a node that has gone silent (a node that never stamped,
 * e.g. one still starting or of an older version, is never judged). Without this, the
 * agents of a node that died for good would show "online" until they reconnected elsewhere.
 * Agents a silent node held reconnect to a live node (their backoff), which marks them online again.
 */
export class NodeLiveness {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly intervalMs: number;
  private readonly silentAfterMs: number;
  private readonly now: () => number;
  private connectedAgents: ConnectedAgents | undefined;

  constructor(private readonly options: NodeLivenessOptions) {
    this.intervalMs = options.intervalMs ?? 10_000;
    this.silentAfterMs = options.silentAfterMs ?? 45_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * From now on each round also reconciles this node's agents with its connections: an offline
   * mark that failed while the database was away (the agent left during the outage) and an online
   * mark another node took away while this node could not stamp are both repaired within a round.
   */
  trackConnectedAgents(connected: ConnectedAgents): void {
    this.connectedAgents = connected;
  }

  /** Stamps once at once (so a fresh node is never taken for silent), then every interval. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      this.running = this.beat().then(
        () => undefined,
        (err: unknown) => this.options.logger.warn('node liveness round failed', errorFields(err)),
      );
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One round: stamp this node, then release the agents of silent nodes. Returns how many were marked offline. */
  async beat(): Promise<number> {
    const { sql, nodeId } = this.options;
    const now = this.now();
    await sql.run(
      'INSERT INTO cluster_nodes (node_id, seen_at_ms) VALUES (?, ?) ON CONFLICT (node_id) DO UPDATE SET seen_at_ms = EXCLUDED.seen_at_ms',
      [nodeId, now],
    );
    const released = await sql.run(
      `UPDATE agents SET online = 0
        WHERE online <> 0 AND online_node <> ?
          AND online_node IN (SELECT node_id FROM cluster_nodes WHERE seen_at_ms < ?)`,
      [nodeId, now - this.silentAfterMs],
    );
    if (released.changes > 0) this.options.logger.info('agents of silent console nodes marked offline', { agents: released.changes });
    if (this.connectedAgents) await this.reconcile([...this.connectedAgents()]);
    return released.changes;
  }

  /**
   * Marks held agents online and no-longer-held ones offline. A connection that comes or goes
   * during the round may be marked wrongly once; the next round repairs it.
   */
  private async reconcile(connected: string[]): Promise<void> {
    const { sql, nodeId } = this.options;
    const gone = await sql.run('UPDATE agents SET online = 0 WHERE online <> 0 AND online_node = ? AND NOT (id = ANY(?::text[]))', [nodeId, connected]);
    const back = connected.length === 0 ? { changes: 0 } : await sql.run('UPDATE agents SET online = 1, online_node = ? WHERE online = 0 AND id = ANY(?::text[])', [nodeId, connected]);
    if (gone.changes + back.changes > 0) this.options.logger.info('agent online marks reconciled with this node\'s connections', { markedOffline: gone.changes, markedOnline: back.changes });
  }

  /** Stops stamping; the row stays, so the others notice this node's silence after `silentAfterMs`. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
