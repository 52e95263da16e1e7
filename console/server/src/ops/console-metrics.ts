import type { GatewayMetrics, OutboxBacklog } from './gateway-metrics';
import { MetricsRegistry } from './metrics-registry';
import { registerProcessMetrics } from './process-metrics';

/** Seconds; from a local commit (ms) to a slow PostgreSQL round trip. */
const COMMIT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Seconds; an event can wait in an offline agent's outbox for days. */
const ACK_LAG_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 3600, 86_400];
/** Seconds; REST handlers. */
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** What the metrics read from the live console at scrape time. */
export interface MetricsSources {
  connectedAgents(): number;
  outboxBacklog(): OutboxBacklog;
}

/**
 * Every metric the console exposes on /metrics. The gateway and the HTTP app report into it
 * through narrow methods; gauges are read from `sources` when Prometheus scrapes.
 */
export class ConsoleMetrics implements GatewayMetrics {
  readonly registry = new MetricsRegistry();
  private sources: MetricsSources = { connectedAgents: () => 0, outboxBacklog: () => ({ total: 0, max: 0, reporting: 0 }) };

  private readonly agentConnections = this.registry.counter('dlp_agent_connections_total', 'Agent connections authenticated with hello.');
  private readonly agentRefusals = this.registry.counter('dlp_agent_refusals_total', 'Agent connections refused or dropped, by reason code.');
  private readonly eventBatches = this.registry.counter('dlp_ingest_batches_total', 'Event batches committed and acked.');
  private readonly eventsReceived = this.registry.counter('dlp_ingest_events_received_total', 'Events received in committed batches (resends included).');
  private readonly eventsStored = this.registry.counter('dlp_ingest_events_stored_total', 'Events newly stored (duplicates of earlier deliveries excluded).');
  private readonly commitSeconds = this.registry.histogram(
    'dlp_ingest_batch_commit_seconds',
    'From a batch handed to the store until its commit (group commit wait included), i.e. until it can be acked.',
    COMMIT_BUCKETS,
  );
  private readonly ackLagSeconds = this.registry.histogram('dlp_ingest_ack_lag_seconds', 'From an event occurring on the agent until the console acks it.', ACK_LAG_BUCKETS);
  private readonly policyPushes = this.registry.counter('dlp_policy_pushes_total', 'Signed policies sent to agents.');
  private readonly policyReceipts = this.registry.counter('dlp_policy_receipts_total', 'Policy receipts from agents, by status.');
  private readonly exceptionPushes = this.registry.counter('dlp_exception_pushes_total', 'Signed exceptions and revokes sent to agents.');
  private readonly httpSeconds = this.registry.histogram('dlp_http_request_duration_seconds', 'REST and UI requests by method, route template and status.', HTTP_BUCKETS);

  constructor() {
    for (const metric of [this.agentConnections, this.eventBatches, this.eventsReceived, this.eventsStored, this.commitSeconds, this.ackLagSeconds, this.policyPushes, this.exceptionPushes]) metric.ensure();
    this.registry.gauge('dlp_agents_connected', 'Agents with a live authenticated connection to this node.', () => this.sources.connectedAgents());
    this.registry.gauge('dlp_agent_outbox_backlog_events', 'Events waiting in agent outboxes, as last reported in heartbeats by connected agents.', () => {
      const b = this.sources.outboxBacklog();
      return [
        { labels: { stat: 'sum' }, value: b.total },
        { labels: { stat: 'max' }, value: b.max },
      ];
    });
    this.registry.gauge('dlp_agent_outbox_reporting_agents', 'Connected agents that reported their outbox depth.', () => this.sources.outboxBacklog().reporting);
    registerProcessMetrics(this.registry);
  }

  /** Wires the live gauges (called once the gateway exists). */
  setSources(sources: MetricsSources): void {
    this.sources = sources;
  }

  agentConnected(): void {
    this.agentConnections.inc();
  }

  agentRefused(reason: string): void {
    this.agentRefusals.inc({ reason });
  }

  batchCommitted(received: number, stored: number, commitSeconds: number): void {
    this.eventBatches.inc();
    this.eventsReceived.inc({}, received);
    this.eventsStored.inc({}, stored);
    this.commitSeconds.observe(commitSeconds);
  }

  eventAcked(lagSeconds: number): void {
    this.ackLagSeconds.observe(Math.max(0, lagSeconds));
  }

  policyPushed(): void {
    this.policyPushes.inc();
  }

  policyReceipt(status: 'applied' | 'rejected'): void {
    this.policyReceipts.inc({ status });
  }

  exceptionPushed(): void {
    this.exceptionPushes.inc();
  }

  /** `route` is a template (`/api/v1/users/:id`) or `unmatched`, never a raw path. */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpSeconds.observe(seconds, { method, route, status: String(status) });
  }

  /** The exposition text. */
  render(): string {
    return this.registry.render();
  }
}
