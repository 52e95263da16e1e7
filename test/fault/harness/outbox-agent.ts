import { consoleToAgentMessage, PROTOCOL_VERSION, sampleEvent, type AgentEvent } from '@dlp/shared';
import WebSocket from 'ws';
import { TEST_AGENT_INFO } from '../../../console/server/src/testing/agent-peer';

export interface OutboxAgentOptions {
  agentUrl: string;
  creds: { agentId: string; token: string };
  /** Events per batch. */
  batch: number;
  /**
   * Pause before reconnecting after a lost connection. Short and fixed, so what a test measures
   * is the console's recovery, not an agent's back-off (the real agent's is its own figure).
   */
  retryMs: number;
}

/**
 * A test agent with the real agent's delivery contract: events get a seq and stay in an outbox
 * until an ack covers them; a lost connection (the console refusing a batch it could not commit)
 * means reconnect, hello, and send again from the first unacked event. One batch in flight.
 */
export class OutboxAgent {
  /** Wall-clock time (Date.now) of every ack received, in order. */
  readonly ackTimes: number[] = [];
  /** Connections the console closed (or that failed to open) while events were outstanding. */
  connectionsLost = 0;
  private produced = 0;
  private acked = 0;
  private producing = true;
  private stopped = false;
  private ws: WebSocket | undefined;
  /** Made and not yet acked, by seq: a resend sends the very same events (same ids). */
  private readonly outbox = new Map<number, AgentEvent>();
  private done: (() => void) | undefined;
  readonly finished: Promise<void>;

  constructor(private readonly options: OutboxAgentOptions) {
    this.finished = new Promise((resolve) => (this.done = resolve));
  }

  get agentId(): string {
    return this.options.creds.agentId;
  }

  /** Highest seq the console acked. */
  get ackedUpTo(): number {
    return this.acked;
  }

  /** Events made so far (seq 1 … this). */
  get producedCount(): number {
    return this.produced;
  }

  start(): void {
    this.connect();
  }

  /** Stops making new events; `finished` resolves once every event made was acked. */
  finish(): void {
    this.producing = false;
    if (this.acked >= this.produced) this.done?.();
  }

  /** Drops the connection for good. */
  stop(): void {
    this.stopped = true;
    this.ws?.terminate();
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.options.agentUrl);
    this.ws = ws;
    ws.on('error', () => undefined);
    ws.on('open', () => {
      ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello', agentId: this.agentId, token: this.options.creds.token, agent: TEST_AGENT_INFO, policySerial: null }));
    });
    ws.on('message', (data) => {
      let value: unknown;
      try {
        value = JSON.parse(String(data));
      } catch {
        return;
      }
      const parsed = consoleToAgentMessage.safeParse(value);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'welcome') {
        // What the console committed is delivered, whatever this side last saw acked.
        this.acked = Math.max(this.acked, Math.min(message.ackedSeq, this.produced));
        this.sendNext(ws);
      } else if (message.type === 'ack') {
        this.acked = Math.max(this.acked, message.upTo);
        this.ackTimes.push(Date.now());
        this.sendNext(ws);
      }
    });
    ws.on('close', () => {
      if (this.stopped || this.ws !== ws) return;
      this.connectionsLost += 1;
      setTimeout(() => this.connect(), this.options.retryMs).unref();
    });
  }

  /** Sends the oldest unacked events (making new ones while producing); resolves `finished` when all are acked. */
  private sendNext(ws: WebSocket): void {
    if (this.acked >= this.produced) {
      if (!this.producing) {
        this.done?.();
        return;
      }
      for (let i = 0; i < this.options.batch; i++) {
        this.produced += 1;
        this.outbox.set(this.produced, sampleEvent({ seq: this.produced, host: this.agentId.slice(-12) }));
      }
    }
    for (const seq of this.outbox.keys()) if (seq <= this.acked) this.outbox.delete(seq);
    const events: AgentEvent[] = [];
    for (let seq = this.acked + 1; seq <= Math.min(this.produced, this.acked + this.options.batch); seq++) {
      const event = this.outbox.get(seq);
      if (event) events.push(event);
    }
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'events', events }));
  }
}
