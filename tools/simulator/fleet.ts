import { LatencyHistogram } from './latency-histogram';
import { SimAgent, type AgentCredentials, type AgentObserver, type SimAgentOptions } from './sim-agent';

/** Counters since start, plus ack latencies since the last `take()`; all mergeable across processes. */
export interface FleetStats {
  agents: number;
  connected: number;
  connects: number;
  sent: number;
  acked: number;
  backlog: number;
  policies: number;
  errors: Record<string, number>;
  /** Histogram counts of ack latency since the previous snapshot. */
  ackLatency: number[];
}

/** How often events are produced: small enough to look continuous, large enough to batch. */
const TICK_MS = 100;

/**
 * N simulated agents in this process: connects them at a bounded pace, spreads `eps` events per
 * second over them at random (each tick, each agent gets its expected share, fractions carried),
 * and keeps the counters the progress line and the benches read.
 */
export class Fleet implements AgentObserver {
  readonly agents: SimAgent[];
  private connectedNow = 0;
  private connects = 0;
  private sentTotal = 0;
  private ackedTotal = 0;
  private policies = 0;
  private readonly errors: Record<string, number> = {};
  private readonly latency = new LatencyHistogram();
  private readonly carry: number[];
  private tick: NodeJS.Timeout | undefined;
  private readonly policyListeners = new Set<(serial: number, atMs: number) => void>();

  constructor(
    creds: readonly AgentCredentials[],
    options: SimAgentOptions,
    private eps: number,
  ) {
    this.agents = creds.map((c) => new SimAgent(c, options, this));
    this.carry = new Array<number>(creds.length).fill(0);
  }

  /** Connects every agent, `concurrency` handshakes at a time; resolves when all were tried once. */
  async connectAll(concurrency: number): Promise<void> {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < this.agents.length) {
        const agent = this.agents[next++];
        if (agent) await agent.connect();
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, this.agents.length) }, lane));
  }

  /** Starts producing events (no-op at 0 eps). */
  start(): void {
    if (this.eps <= 0 || this.tick || this.agents.length === 0) return;
    const perAgentPerTick = (this.eps * TICK_MS) / 1000 / this.agents.length;
    this.tick = setInterval(() => {
      this.agents.forEach((agent, i) => {
        // Exponential-ish jitter around the mean so batches do not line up across agents.
        const due = (this.carry[i] ?? 0) + perAgentPerTick * (0.5 + Math.random());
        const whole = Math.floor(due);
        this.carry[i] = due - whole;
        if (whole > 0) agent.produce(whole);
      });
    }, TICK_MS);
  }

  /** Calls `listener` for every policy any agent receives (benches time the push). */
  onPolicy(listener: (serial: number, atMs: number) => void): () => void {
    this.policyListeners.add(listener);
    return () => this.policyListeners.delete(listener);
  }

  /** A snapshot; ack latencies since the previous snapshot are handed over and reset. */
  take(): FleetStats {
    const snapshot: FleetStats = {
      agents: this.agents.length,
      connected: this.connectedNow,
      connects: this.connects,
      sent: this.sentTotal,
      acked: this.ackedTotal,
      backlog: this.agents.reduce((n, a) => n + a.outboxDepth, 0),
      policies: this.policies,
      errors: { ...this.errors },
      ackLatency: [...this.latency.counts],
    };
    this.latency.reset();
    return snapshot;
  }

  stop(): void {
    clearInterval(this.tick);
    this.tick = undefined;
    for (const agent of this.agents) agent.stop();
  }

  terminate(): void {
    clearInterval(this.tick);
    this.tick = undefined;
    for (const agent of this.agents) agent.terminate();
  }

  // AgentObserver: called by the agents.
  connected(): void {
    this.connectedNow += 1;
    this.connects += 1;
  }

  disconnected(): void {
    this.connectedNow -= 1;
  }

  acked(count: number, latenciesMs: readonly number[]): void {
    this.ackedTotal += count;
    for (const ms of latenciesMs) this.latency.record(ms);
  }

  sent(events: number): void {
    this.sentTotal += events;
  }

  policy(serial: number, atMs: number): void {
    this.policies += 1;
    for (const listener of this.policyListeners) listener(serial, atMs);
  }

  error(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }
}

/** Adds worker snapshots together (ack latency counts too). */
export function mergeStats(all: readonly FleetStats[]): FleetStats {
  const latency = new LatencyHistogram();
  const errors: Record<string, number> = {};
  const sum = (pick: (s: FleetStats) => number): number => all.reduce((n, s) => n + pick(s), 0);
  for (const s of all) {
    latency.merge({ counts: s.ackLatency });
    for (const [code, n] of Object.entries(s.errors)) errors[code] = (errors[code] ?? 0) + n;
  }
  return {
    agents: sum((s) => s.agents),
    connected: sum((s) => s.connected),
    connects: sum((s) => s.connects),
    sent: sum((s) => s.sent),
    acked: sum((s) => s.acked),
    backlog: sum((s) => s.backlog),
    policies: sum((s) => s.policies),
    errors,
    ackLatency: latency.counts,
  };
}
