import { CLOSE_CODES, LIMITS, PROTOCOL_VERSION, type AgentEvent, type AgentInfo, type ConsoleToAgentMessage } from '@dlp/shared';
import { canonicalHash } from '@dlp/shared/node';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { simulatedEvent } from './event-source';

/** An enrolled agent's credentials, as kept in the state dir. */
export interface AgentCredentials {
  agentId: string;
  token: string;
  hostname: string;
}

/** What a simulated agent reports to its fleet (counters and timings, no payloads). */
export interface AgentObserver {
  connected(agent: SimAgent): void;
  disconnected(agent: SimAgent): void;
  /** `latencyMs`: from the event's creation to the ack that covered it (outbox wait included). */
  acked(count: number, latenciesMs: readonly number[]): void;
  sent(events: number): void;
  /** `atMs`: wall clock (sub-ms) when the frame arrived, before it was parsed. */
  policy(serial: number, atMs: number): void;
  error(code: string): void;
}

export interface SimAgentOptions {
  url: string;
  batch: number;
  heartbeatMs: number;
  tlsInsecure: boolean;
}

/** Batches sent but not yet acked: the real agent's window, a little pipelining, not a flood. */
const WINDOW = LIMITS.agentInFlightBatches;
/** Outbox bound per agent; beyond it new events are dropped and counted (the real agent writes a gap event). */
const MAX_OUTBOX = 50_000;
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
/**
 * Receipt hashes by policy serial: every agent of a group gets the same bundle, and hashing it
 * 10,000 times would make the simulator, not the console, the bottleneck of a push.
 */
const receiptHashes = new Map<number, string>();

/** The canonical hash a receipt reports for `bundle` (computed once per serial). */
export function receiptHash(bundle: { serial: number }): string {
  let hash = receiptHashes.get(bundle.serial);
  if (hash === undefined) {
    hash = canonicalHash(bundle);
    if (receiptHashes.size > 100) receiptHashes.clear();
    receiptHashes.set(bundle.serial, hash);
  }
  return hash;
}

/** Close codes after which reconnecting cannot help. */
const FINAL_CLOSE = new Set<number>([CLOSE_CODES.unauthorized, CLOSE_CODES.revoked, CLOSE_CODES.protocolVersion]);

/**
 * One simulated agent speaking the real protocol: hello with its credentials, events from an
 * in-memory outbox that are resent after a reconnect until acked (trimmed by `welcome.ackedSeq`),
 * heartbeats with the outbox depth, and receipts for policies and exceptions. It does not verify
 * signatures or enforce anything: it loads the console, it does not protect a host.
 */
export class SimAgent {
  private ws: WebSocket | undefined;
  private ready = false;
  private stopped = false;
  private backoffMs = BACKOFF_MIN_MS;
  /** Events not yet acked, in seq order, with the time each was made (for ack latency). */
  private outbox: Array<{ event: AgentEvent; madeAtMs: number }> = [];
  private nextSeq = 1;
  /** Highest seq sent on this connection; batches sent are those with seq ≤ this. */
  private sentUpTo = 0;
  private inFlight: number[] = [];
  private policySerial: number | null = null;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** The console's Retry-After on a refused handshake (503), for the next reconnect. */
  private retryAfterMs: number | undefined;
  private readonly info: AgentInfo;

  constructor(
    readonly creds: AgentCredentials,
    private readonly options: SimAgentOptions,
    private readonly observer: AgentObserver,
  ) {
    this.info = { hostname: creds.hostname, os: 'linux', osVersion: 'simulated', agentVersion: '0.1.0-sim', user: `user-${creds.hostname}` };
  }

  get isReady(): boolean {
    return this.ready;
  }

  get outboxDepth(): number {
    return this.outbox.length;
  }

  /** Opens the connection; resolves once welcomed (or refused), so a fleet can pace its connects. */
  connect(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const ws = new WebSocket(this.options.url, { rejectUnauthorized: !this.options.tlsInsecure, perMessageDeflate: false });
      this.ws = ws;
      let settled = false;
      const settle = (): void => {
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      ws.on('open', () => {
        // sentAt: this agent's clock, which the console compares with its own (clock skew).
        ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello', agentId: this.creds.agentId, token: this.creds.token, agent: this.info, policySerial: this.policySerial, sentAt: new Date().toISOString() }));
      });
      ws.on('message', (data) => {
        this.onMessage(String(data), performance.timeOrigin + performance.now());
        if (this.ready) settle();
      });
      // The console sheds handshakes with 503 + Retry-After while too many are pending (after an
      // outage): counted as such, and the next attempt waits as told, like the real agent.
      let refusedStatus: number | undefined;
      ws.on('unexpected-response', (_request, response) => {
        refusedStatus = response.statusCode ?? 0;
        const seconds = Number(response.headers['retry-after']);
        if (refusedStatus === 503 && Number.isFinite(seconds) && seconds > 0) this.retryAfterMs = Math.min(seconds, 60) * 1000;
        this.observer.error(`http_${refusedStatus}`);
        ws.terminate();
      });
      ws.on('error', (err: Error & { code?: string }) => {
        if (refusedStatus === undefined) this.observer.error(err.code ?? 'socket_error');
      });
      ws.on('close', (code) => {
        settle();
        this.onClose(code);
      });
    });
  }

  /** Records `count` new events in the outbox and sends what the window allows. */
  produce(count: number): void {
    const now = Date.now();
    const room = Math.max(0, MAX_OUTBOX - this.outbox.length);
    for (let i = room; i < count; i++) this.observer.error('outbox_full');
    for (let i = 0; i < Math.min(count, room); i++) this.outbox.push({ event: simulatedEvent(this.nextSeq++, this.creds.hostname, this.info.user ?? 'user'), madeAtMs: now });
    this.flush();
  }

  /** Closes for good (no reconnect). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.stopHeartbeat();
    this.ws?.close(1000, 'simulator stopping');
  }

  /** Ends the socket at once (benches tearing down thousands of agents). */
  terminate(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.stopHeartbeat();
    this.ws?.terminate();
  }

  private onMessage(text: string, arrivedAtMs: number): void {
    let message: ConsoleToAgentMessage;
    try {
      message = JSON.parse(text) as ConsoleToAgentMessage;
    } catch {
      this.observer.error('bad_json');
      return;
    }
    switch (message.type) {
      case 'welcome':
        this.ready = true;
        this.backoffMs = BACKOFF_MIN_MS;
        this.trim(message.ackedSeq);
        this.observer.connected(this);
        this.startHeartbeat();
        this.flush();
        return;
      case 'ack':
        this.trim(message.upTo);
        this.flush();
        return;
      case 'policy': {
        this.observer.policy(message.policy.bundle.serial, arrivedAtMs);
        this.policySerial = message.policy.bundle.serial;
        const bundle = message.policy.bundle;
        this.send({ v: PROTOCOL_VERSION, type: 'policy-receipt', serial: bundle.serial, hash: receiptHash(bundle), status: 'applied' });
        return;
      }
      case 'exception':
        this.send({ v: PROTOCOL_VERSION, type: 'exception-receipt', id: message.exception.exception.id, status: 'applied' });
        return;
      case 'exception-revoke':
        this.send({ v: PROTOCOL_VERSION, type: 'exception-receipt', id: message.id, status: 'applied', action: 'revoke' });
        return;
      case 'error':
        this.observer.error(message.code);
        return;
      default:
        return;
    }
  }

  /** Drops everything up to `upTo` from the outbox and reports the ack latency of what it held. */
  private trim(upTo: number): void {
    let n = 0;
    while (n < this.outbox.length && (this.outbox[n]?.event.seq ?? Infinity) <= upTo) n++;
    if (n > 0) {
      const now = Date.now();
      const acked = this.outbox.splice(0, n);
      this.observer.acked(n, acked.map((e) => now - e.madeAtMs));
    }
    this.inFlight = this.inFlight.filter((last) => last > upTo);
  }

  private flush(): void {
    if (!this.ready) return;
    while (this.inFlight.length < WINDOW) {
      const start = this.outbox.findIndex((e) => e.event.seq > this.sentUpTo);
      if (start < 0) return;
      const batch = this.outbox.slice(start, start + this.options.batch).map((e) => e.event);
      const last = batch[batch.length - 1]?.seq ?? this.sentUpTo;
      this.send({ v: PROTOCOL_VERSION, type: 'events', events: batch });
      this.sentUpTo = last;
      this.inFlight.push(last);
      this.observer.sent(batch.length);
    }
  }

  private send(message: object): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    // Spread over the interval so 10,000 agents do not beat in the same millisecond.
    const first = Math.random() * this.options.heartbeatMs;
    const beat = (): void => this.send({ v: PROTOCOL_VERSION, type: 'heartbeat', sentAt: new Date().toISOString(), outboxDepth: this.outbox.length });
    this.heartbeatTimer = setTimeout(() => {
      beat();
      this.heartbeatTimer = setInterval(beat, this.options.heartbeatMs);
    }, first);
  }

  private stopHeartbeat(): void {
    clearTimeout(this.heartbeatTimer);
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private onClose(code: number): void {
    const wasReady = this.ready;
    this.ready = false;
    this.ws = undefined;
    // Everything not acked is sent again on the next connection (at-least-once, like the agent).
    this.sentUpTo = 0;
    this.inFlight = [];
    this.stopHeartbeat();
    if (wasReady) this.observer.disconnected(this);
    if (this.stopped) return;
    if (FINAL_CLOSE.has(code)) {
      this.observer.error(`closed_${code}`);
      this.stopped = true;
      return;
    }
    const asked = this.retryAfterMs;
    this.retryAfterMs = undefined;
    const delay = asked !== undefined ? asked * (1 + Math.random() * 0.5) : this.backoffMs * (0.5 + Math.random());
    if (asked === undefined) this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs * 2);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}
