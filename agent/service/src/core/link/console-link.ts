import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import {
  agentToConsoleMessage,
  CLOSE_CODES,
  consoleToAgentMessage,
  decodeFrame,
  ENROLL_WAIT_CODES,
  LIMITS,
  PROTOCOL_VERSION,
  type AgentInfo,
  type AgentToConsoleMessage,
  type CapabilityReport,
  type ConsoleToAgentMessage,
  type EnrolledMessage,
  type ExceptionRequestMessage,
  type ExceptionReceiptMessage,
  type PolicyReceiptMessage,
  type ScanRequestMessage,
  type ScanStatusMessage,
} from '@dlp/shared';
import type { AgentCredentials } from '../credentials';
import type { Logger } from '../logger';
import type { Outbox } from '../outbox';
import { Backoff } from './backoff';
import { CommandQueue } from './command-queue';
import { EventSender } from './event-sender';
import { frameText, rawField } from './frame-text';
import { ProgressSignal, waitForDrain } from './outbox-drain';
import { DEFAULT_LINK_TIMINGS, type LinkTimings } from './link-timings';
import { reconnectDelay, upgradeRetryAfterMs } from './reconnect-delay';
import { checkPeerPin, tlsClientOptions } from './tls-pin';

export { DEFAULT_LINK_TIMINGS, type LinkTimings } from './link-timings';

export type LinkState = 'idle' | 'connecting' | 'enrolling' | 'authenticating' | 'ready' | 'waiting' | 'stopped';

/** States in which queued events are sent or about to be (an enrolled agent's session). */
const DELIVERING_STATES: ReadonlySet<LinkState> = new Set(['connecting', 'authenticating', 'ready']);

export type PolicyReceipt = Omit<PolicyReceiptMessage, 'v' | 'type'>;
export type ExceptionReceipt = Omit<ExceptionReceiptMessage, 'v' | 'type'>;

export interface ConsoleLinkOptions {
  url: string;
  log: Logger;
  outbox: Outbox;
  enrollSecret?: string;
  /** Names this workstation's enrollment request (kept in the data dir: core/enrollment-credentials). */
  enrollRequestKey?: string;
  credentials(): AgentCredentials | null;
  /** Persists and pins what the console sent at enrollment; throws if it cannot be trusted. */
  enrolled(message: EnrolledMessage): Promise<void>;
  agentInfo(): Promise<AgentInfo>;
  /** What `hello` reports about the agent's state. */
  helloState(): { policySerial: number | null; capabilities: CapabilityReport };
  /** Verifies and applies a pushed policy (the raw JSON as received); returns the receipt, if one can be made. */
  policy(raw: unknown): Promise<PolicyReceipt | null>;
  /** Verifies and keeps a pushed signed exception (the raw JSON as received); returns the receipt. */
  exception?(raw: unknown, id: string): Promise<ExceptionReceipt>;
  /** Withdraws an exception (unsigned: it can only make the agent stricter); returns the receipt. */
  exceptionRevoke?(id: string): Promise<ExceptionReceipt>;
  /** Verifies and keeps a signed "you are in group G" (the raw JSON as received). */
  groupAssignment?(raw: unknown): Promise<void>;
  /** The console asks for a scan of data at rest; the answer comes later through `sendScanStatus`. */
  scanRequest?(message: ScanRequestMessage): void;
  timings?: Partial<LinkTimings>;
  random?: () => number;
  onStateChange?(state: LinkState): void;
  /** wss: the console certificate's SPKI sha256 this agent trusts; null until one is pinned (trust on first use). */
  tlsPin?(): string | null;
  /** An enrolled agent without a pin met the console over wss: keep this key from now on. */
  tlsPinLearned?(sha256: string): Promise<void>;
}

/**
 * The agent's connection to the console: enrollment, hello/welcome, event delivery, policy push,
 * heartbeats, reconnects. Enforcement never waits on it (handbook principle 1): when the console is
 * unreachable or rejects us, the link retries in the background and nothing else changes.
 */
export class ConsoleLink {
  private readonly timings: LinkTimings;
  private readonly backoff: Backoff;
  private ws: WebSocket | null = null;
  private mode: 'enroll' | 'hello' = 'hello';
  private sender: EventSender | null = null;
  private linkState: LinkState = 'idle';
  private stopped = false;
  private justEnrolled = false;
  /** Names this agent's enrollment request while a secret that needs approval keeps it waiting (one per process unless given). */
  private readonly enrollRequestKey: string;
  /** `retryAfterMs` of the console's last error (pending approval, rate limited), for the close that follows. */
  private consoleRetryAfterMs: number | null = null;
  private savingEnrollment: Promise<void> | null = null;
  private lastReceivedAt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private watchdogTimer: NodeJS.Timeout | null = null;
  private readonly commands: CommandQueue;
  private readonly unsubscribe: () => void;
  /** SPKI sha256 of the console certificate on the current connection (null over ws://). */
  private peerPin: string | null = null;
  private pinRefused = false;
  /** Notified on acks and state changes, for `drain`. */
  private readonly progress = new ProgressSignal();

  constructor(private readonly options: ConsoleLinkOptions) {
    this.timings = { ...DEFAULT_LINK_TIMINGS, ...options.timings };
    this.enrollRequestKey = options.enrollRequestKey ?? randomBytes(24).toString('base64url');
    this.commands = new CommandQueue(options.log);
    this.backoff = new Backoff(this.timings.backoffBaseMs, this.timings.backoffCapMs, options.random, {
      fastCapMs: this.timings.outageBackoffCapMs,
      fastWindowMs: this.timings.outageFastRetryWindowMs,
    });
    this.unsubscribe = options.outbox.onAppended(() => this.background(this.sender?.pump(), 'sending events'));
  }

  state(): LinkState {
    return this.linkState;
  }

  /** When the console was last heard from (any frame or ping), or null: the tray's "last contact". */
  lastHeardAt(): number | null {
    return this.lastReceivedAt === 0 ? null : this.lastReceivedAt;
  }

  start(): void {
    if (this.linkState === 'idle') this.connect();
  }

  /** Closes the connection (1001 going away) and stops retrying. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.endSession();
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => ws.terminate(), 2000);
        ws.once('close', () => {
          clearTimeout(force);
          resolve();
        });
        ws.close(CLOSE_CODES.goingAway, 'agent stopping');
      });
    }
    await this.savingEnrollment;
    await this.commands.drained();
    this.setState('stopped');
  }

  /** At stop: waits (at most `timeoutMs`, not at all while disconnected) until the console acked the whole outbox. */
  drain(timeoutMs: number): Promise<boolean> {
    const deliverable = () => !this.stopped && DELIVERING_STATES.has(this.linkState);
    return waitForDrain({ depth: () => this.options.outbox.depth(), deliverable, progress: this.progress, timeoutMs });
  }

  /** The console certificate's key (SPKI sha256) on the current connection, to pin at enrollment. */
  peerCertSha256(): string | null {
    return this.peerPin;
  }

  /** Sends an employee's exception request; false when the console is not reachable right now. */
  sendExceptionRequest(request: Omit<ExceptionRequestMessage, 'v' | 'type'>): boolean {
    if (!this.ws || this.linkState !== 'ready') return false;
    this.send(this.ws, { v: PROTOCOL_VERSION, type: 'exception-request', ...request });
    return true;
  }

  /** Reports a console-requested scan's state; false when the console is not reachable right now. */
  sendScanStatus(status: Omit<ScanStatusMessage, 'v' | 'type'>): boolean {
    if (!this.ws || this.linkState !== 'ready') return false;
    this.send(this.ws, { v: PROTOCOL_VERSION, type: 'scan-status', ...status });
    return true;
  }

  /** Tells the console the capability report changed (e.g. a fallback engaged). */
  sendCapabilities(capabilities: CapabilityReport): void {
    if (this.ws && this.linkState === 'ready') this.send(this.ws, { v: PROTOCOL_VERSION, type: 'capabilities', capabilities });
  }

  /** Runs a task nobody awaits: a failure is logged, never an unhandled rejection (which would exit the agent). */
  private background(task: Promise<unknown> | undefined, what: string): void {
    task?.catch((err: unknown) => this.options.log.error(`${what} failed`, { error: err instanceof Error ? err.message : String(err) }));
  }

  private setState(state: LinkState): void {
    if (this.linkState === state) return;
    this.linkState = state;
    this.options.onStateChange?.(state);
    this.progress.notify();
  }

  private connect(): void {
    this.retryTimer = null;
    if (this.stopped) return;
    const credentials = this.options.credentials();
    if (!credentials && !this.options.enrollSecret) {
      this.options.log.error('not enrolled and no enrollSecret configured: cannot reach the console');
      this.setState('waiting');
      return;
    }
    this.mode = credentials ? 'hello' : 'enroll';
    this.setState('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.options.url, { maxPayload: LIMITS.maxMessageBytes, handshakeTimeout: this.timings.handshakeTimeoutMs, ...tlsClientOptions(this.options.url) });
    } catch (err) {
      this.options.log.error('cannot open a console connection', { error: err instanceof Error ? err.message : String(err) });
      this.retryIn(this.backoff.next());
      return;
    }
    this.ws = ws;
    this.peerPin = null;
    // ws emits 'upgrade' before 'open' and skips 'open' once the socket is terminated here.
    ws.on('upgrade', (response) => this.checkPin(ws, response));
    ws.on('unexpected-response', (_request, response) => this.onRefusedUpgrade(ws, response.statusCode ?? 0, response.headers['retry-after']));
    ws.on('open', () => this.background(this.onOpen(ws), 'opening the session'));
    ws.on('message', (data) => this.background(this.onMessage(ws, frameText(data)), 'handling a console message'));
    ws.on('ping', () => (this.lastReceivedAt = Date.now()));
    ws.on('error', (err) => this.options.log.warn('console connection error', { error: err.message }));
    ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString('utf8')));
  }

  private async onOpen(ws: WebSocket): Promise<void> {
    this.lastReceivedAt = Date.now();
    this.startTimers(ws);
    const agent = await this.options.agentInfo();
    const credentials = this.options.credentials();
    if (this.mode === 'enroll') {
      this.setState('enrolling');
      // The secret goes on the wire only: it is never logged.
      this.send(ws, { v: PROTOCOL_VERSION, type: 'enroll', secret: this.options.enrollSecret ?? '', agent, requestKey: this.enrollRequestKey });
    } else if (credentials) {
      this.setState('authenticating');
      const { policySerial, capabilities } = this.options.helloState();
      // sentAt: our clock, so the console can measure how far off it is and place our events right.
      this.send(ws, { v: PROTOCOL_VERSION, type: 'hello', agentId: credentials.agentId, token: credentials.token, agent, policySerial, capabilities, sentAt: new Date().toISOString() });
    }
  }

  private async onMessage(ws: WebSocket, text: string): Promise<void> {
    if (ws !== this.ws) return;
    this.lastReceivedAt = Date.now();
    const decoded = decodeFrame(consoleToAgentMessage, text);
    if (!decoded.ok) {
      this.options.log.warn('ignoring a bad frame from the console', { code: decoded.code, message: decoded.message });
      if (decoded.code === 'protocol_version') ws.close(CLOSE_CODES.protocolVersion, 'protocol version');
      return;
    }
    await this.handle(ws, decoded.message, text);
  }

  private async handle(ws: WebSocket, message: ConsoleToAgentMessage, text: string): Promise<void> {
    switch (message.type) {
      case 'enrolled':
        return this.onEnrolled(ws, message);
      case 'welcome':
        if (this.mode !== 'hello') return;
        this.backoff.reset();
        await this.options.outbox.ensureSeqAtLeast(message.ackedSeq);
        await this.options.outbox.deleteUpTo(message.ackedSeq);
        if (ws !== this.ws) return;
        this.sender = new EventSender({ outbox: this.options.outbox, send: (m) => this.send(ws, m), maxInFlightBatches: this.timings.maxInFlightBatches }, message.ackedSeq);
        this.setState('ready');
        this.options.log.info('connected to the console', { ackedSeq: message.ackedSeq, outboxDepth: this.options.outbox.depth() });
        await this.sender.pump();
        return;
      case 'policy': {
        if (this.mode !== 'hello') return;
        // The store verifies the bundle exactly as the console signed it, before zod filled defaults.
        const policy = rawField(text, 'policy');
        return this.commands.run('applying a pushed policy', async () => {
          const receipt = await this.options.policy(policy);
          if (receipt) this.send(ws, { v: PROTOCOL_VERSION, type: 'policy-receipt', ...receipt, ...(receipt.error ? { error: receipt.error.slice(0, LIMITS.maxText) } : {}) });
        });
      }
      case 'exception': {
        const handler = this.options.exception;
        if (this.mode !== 'hello' || !handler) return;
        const raw = rawField(text, 'exception');
        const id = message.exception.exception.id;
        return this.commands.run('applying a pushed exception', async () => this.sendExceptionReceipt(ws, await handler(raw, id)));
      }
      case 'exception-revoke': {
        const handler = this.options.exceptionRevoke;
        if (this.mode !== 'hello' || !handler) return;
        return this.commands.run('revoking an exception', async () => this.sendExceptionReceipt(ws, await handler(message.id)));
      }
      case 'group-assignment': {
        const handler = this.options.groupAssignment;
        if (this.mode !== 'hello' || !handler) return;
        // Queued with policies: the console sends the assignment first, and the policy depends on it.
        const raw = rawField(text, 'assignment');
        return this.commands.run('applying a group assignment', () => handler(raw));
      }
      case 'scan-request':
        // Not queued with policies: a scan runs for minutes and changes nothing the policy decides.
        if (this.mode === 'hello') this.options.scanRequest?.(message);
        return;
      case 'ack':
        await this.sender?.acked(message.upTo);
        this.progress.notify();
        return;
      case 'heartbeat':
        return;
      case 'error':
        this.consoleRetryAfterMs = message.retryAfterMs ?? null;
        if (message.code === ENROLL_WAIT_CODES.pending) this.options.log.info('enrollment waits for an admin’s approval; asking again later', { retryInMs: message.retryAfterMs });
        else this.options.log.warn('the console reported an error', { code: message.code, message: message.message });
        return;
    }
  }

  private sendExceptionReceipt(ws: WebSocket, receipt: ExceptionReceipt): void {
    this.send(ws, { v: PROTOCOL_VERSION, type: 'exception-receipt', ...receipt, ...(receipt.error ? { error: receipt.error.slice(0, LIMITS.maxText) } : {}) });
  }

  private onEnrolled(ws: WebSocket, message: EnrolledMessage): Promise<void> {
    if (this.mode !== 'enroll') return Promise.resolve();
    // The console closes right after `enrolled`; the close handler waits for this before it decides
    // how to reconnect, or it could enroll a second time while the credentials are being written.
    this.savingEnrollment = (async () => {
      try {
        await this.options.enrolled(message);
        this.justEnrolled = true;
        this.options.log.info('enrolled with the console', { agentId: message.agentId, consoleKeyId: message.consoleKey.keyId });
      } catch (err) {
        this.options.log.error('refusing the enrollment answer', { error: err instanceof Error ? err.message : String(err) });
      }
      ws.close(1000, 'enrolled');
    })();
    return this.savingEnrollment;
  }

  private checkPin(ws: WebSocket, response: Parameters<typeof checkPeerPin>[0]): void {
    const verdict = checkPeerPin(response, this.options.tlsPin?.() ?? null);
    this.peerPin = verdict.sha256;
    if (!verdict.ok) {
      this.pinRefused = true;
      this.options.log.error('the console presented a certificate key other than the pinned one; not talking to it', { expected: verdict.expected, got: verdict.sha256 });
      ws.terminate();
      return;
    }
    if (verdict.sha256 !== null && this.mode === 'hello' && this.options.tlsPin?.() === null) {
      this.options.log.warn('no console certificate pinned yet: pinning the one seen now', { sha256: verdict.sha256 });
      this.background(this.options.tlsPinLearned?.(verdict.sha256), 'pinning the console certificate');
    }
  }

  /**
   * The console answered the upgrade with an HTTP status instead (503: shedding load after an
   * outage): remember its Retry-After for the reconnect, then drop the attempt.
   */
  private onRefusedUpgrade(ws: WebSocket, status: number, retryAfter: string | undefined): void {
    const asked = upgradeRetryAfterMs(status, retryAfter);
    if (asked !== null) this.consoleRetryAfterMs = asked;
    this.options.log.warn('the console refused the connection', { status, retryAfter: this.consoleRetryAfterMs });
    ws.terminate();
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    this.ws = null;
    this.endSession();
    const saving = this.savingEnrollment;
    this.savingEnrollment = null;
    if (saving) this.background(saving.then(() => this.reconnectAfterClose(code, reason)), 'reconnecting');
    else this.reconnectAfterClose(code, reason);
  }

  private reconnectAfterClose(code: number, reason: string): void {
    if (this.stopped) return;
    const retryAfterMs = this.consoleRetryAfterMs;
    this.consoleRetryAfterMs = null;
    const closed = { code, reason, mode: this.mode, justEnrolled: this.justEnrolled, pinRefused: this.pinRefused, retryAfterMs };
    this.justEnrolled = false;
    this.pinRefused = false;
    const delay = reconnectDelay(closed, this.timings, this.backoff, this.options.log);
    this.retryIn(delay);
  }

  private retryIn(delayMs: number): void {
    this.setState('waiting');
    this.retryTimer = setTimeout(() => this.connect(), delayMs);
  }

  private startTimers(ws: WebSocket): void {
    this.heartbeatTimer = setInterval(() => {
      if (this.linkState !== 'ready') return;
      this.send(ws, { v: PROTOCOL_VERSION, type: 'heartbeat', sentAt: new Date().toISOString(), outboxDepth: this.options.outbox.depth() });
    }, this.timings.heartbeatMs);
    const watchdogMs = Math.max(50, Math.min(this.timings.heartbeatMs, this.timings.idleTimeoutMs / 3, this.timings.ackTimeoutMs / 3));
    this.watchdogTimer = setInterval(() => {
      const silentMs = Date.now() - this.lastReceivedAt;
      const ackWaitMs = this.sender?.oldestUnackedAgeMs() ?? 0;
      if (silentMs > this.timings.idleTimeoutMs || ackWaitMs > this.timings.ackTimeoutMs) {
        this.options.log.warn('console connection looks dead; reconnecting', { silentMs, ackWaitMs });
        ws.terminate();
      }
    }, watchdogMs);
  }

  private endSession(): void {
    this.sender?.close();
    this.sender = null;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    this.heartbeatTimer = null;
    this.watchdogTimer = null;
  }

  private send(ws: WebSocket, message: AgentToConsoleMessage): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (message.type !== 'events') {
      // Events were validated when written to the outbox; everything else is checked here.
      const checked = agentToConsoleMessage.safeParse(message);
      if (!checked.success) {
        this.options.log.error('not sending an invalid message', { type: message.type });
        return;
      }
    }
    ws.send(JSON.stringify(message));
  }
}
