/**
 * A minimal console for the agent's tests: a real ws server on a free loopback port that speaks
 * the shared protocol (every frame decoded with the shared schemas). It is not the product's
 * console (console/server); it only plays the console's side of the protocol.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  agentToConsoleMessage,
  CLOSE_CODES,
  decodeFrame,
  ENROLL_WAIT_CODES,
  LIMITS,
  PROTOCOL_VERSION,
  uuidv7,
  type AgentEvent,
  type CapabilityReport,
  type ConsoleToAgentMessage,
  type EnrollWaitCode,
  type ExceptionReceiptMessage,
  ExceptionRequestMessage,
  type HelloMessage,
  type PolicyReceiptMessage,
  type SignedException,
  type SignedPolicy,
} from '@dlp/shared';
import type { SigningKeyPair } from '@dlp/shared/node';

export interface TestConsoleOptions {
  key: SigningKeyPair;
  enrollSecret?: string;
  /** Ack each events batch right after storing it (default true). */
  autoAck?: boolean;
  /** Handed to the agent at enrollment, for offline unlock codes (32 bytes). */
  unlockKey?: Uint8Array;
}

export class TestConsole {
  readonly url: string;
  enrollSecret: string;
  autoAck: boolean;
  /** Committed events by seq: ingest is idempotent on (agent, seq). */
  readonly events = new Map<number, AgentEvent>();
  /** Every events batch received, as seq lists (shows resends and batch sizes). */
  readonly batches: number[][] = [];
  readonly hellos: HelloMessage[] = [];
  readonly receipts: PolicyReceiptMessage[] = [];
  readonly exceptionReceipts: ExceptionReceiptMessage[] = [];
  readonly exceptionRequests: ExceptionRequestMessage[] = [];
  /** Every `capabilities` message (reports sent after hello because something changed). */
  readonly capabilityReports: CapabilityReport[] = [];
  readonly heartbeats: number[] = [];
  readonly badFrames: string[] = [];
  enrollAttempts = 0;
  /** The request key of every enroll attempt (approval: the same key each retry). */
  readonly enrollRequestKeys: Array<string | undefined> = [];
  /** Answers this many enroll attempts "wait" before enrolling: `enroll_pending` (4202) or `rate_limited` (4429). */
  enrollWaits: { count: number; code: EnrollWaitCode; retryAfterMs: number } = { count: 0, code: ENROLL_WAIT_CODES.pending, retryAfterMs: 0 };
  agentId: string | null = null;
  token: string | null = null;
  revoked = false;
  /** Plays dead: hellos get no answer (the TCP connection stays open). */
  silent = false;
  /** Pushed to every agent right after its welcome. */
  policy: SignedPolicy | null = null;
  /** What `welcome.ackedSeq` reports before any event arrived (e.g. a console that kept older events). */
  baseAckedSeq = 0;
  private readonly sockets = new Set<WebSocket>();

  private constructor(
    private readonly server: WebSocketServer,
    private readonly options: TestConsoleOptions,
  ) {
    this.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/agent`;
    this.enrollSecret = options.enrollSecret ?? 'test-enroll-secret-0123456789';
    this.autoAck = options.autoAck ?? true;
    server.on('connection', (ws) => this.onConnection(ws));
  }

  static async start(options: TestConsoleOptions, port = 0): Promise<TestConsole> {
    const server = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: LIMITS.maxMessageBytes });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return new TestConsole(server, options);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  connections(): number {
    return this.sockets.size;
  }

  /** Highest seq committed: batches arrive in seq order and each is committed whole. */
  ackedSeq(): number {
    return this.events.size === 0 ? this.baseAckedSeq : Math.max(this.baseAckedSeq, ...this.events.keys());
  }

  send(message: ConsoleToAgentMessage): void {
    for (const ws of this.sockets) ws.send(JSON.stringify(message));
  }

  sendRaw(text: string): void {
    for (const ws of this.sockets) ws.send(text);
  }

  ack(upTo = this.ackedSeq()): void {
    this.send({ v: PROTOCOL_VERSION, type: 'ack', upTo });
  }

  pushPolicy(policy: SignedPolicy): void {
    this.policy = policy;
    this.send({ v: PROTOCOL_VERSION, type: 'policy', policy });
  }

  pushException(exception: SignedException): void {
    this.send({ v: PROTOCOL_VERSION, type: 'exception', exception });
  }

  revokeException(id: string, serial: number): void {
    this.send({ v: PROTOCOL_VERSION, type: 'exception-revoke', id, serial });
  }

  /** Drops every connection without a close handshake (a network failure, as the agent sees it). */
  dropConnections(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  closeConnections(code: number): void {
    for (const ws of this.sockets) ws.close(code);
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (data) => {
      const decoded = decodeFrame(agentToConsoleMessage, data.toString());
      if (!decoded.ok) {
        this.badFrames.push(decoded.message);
        ws.close(CLOSE_CODES.badMessage);
        return;
      }
      const message = decoded.message;
      switch (message.type) {
        case 'enroll':
          this.enrollAttempts++;
          this.enrollRequestKeys.push(message.requestKey);
          if (message.secret !== this.enrollSecret) {
            ws.close(CLOSE_CODES.unauthorized, 'bad enroll secret');
            return;
          }
          if (this.enrollWaits.count > 0) {
            this.enrollWaits.count--;
            const { code, retryAfterMs } = this.enrollWaits;
            ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'error', code, message: 'wait', retryAfterMs }));
            ws.close(code === ENROLL_WAIT_CODES.pending ? CLOSE_CODES.enrollPending : CLOSE_CODES.rateLimited, code);
            return;
          }
          this.agentId = uuidv7();
          this.token = randomBytes(32).toString('base64url');
          ws.send(
            JSON.stringify({
              v: PROTOCOL_VERSION,
              type: 'enrolled',
              agentId: this.agentId,
              token: this.token,
              consoleKey: { keyId: this.options.key.keyId, publicKey: this.options.key.publicKey },
              ...(this.options.unlockKey ? { unlockKey: Buffer.from(this.options.unlockKey).toString('base64') } : {}),
            }),
          );
          ws.close(1000);
          return;
        case 'hello':
          this.hellos.push(message);
          if (this.silent) return;
          if (message.agentId !== this.agentId || message.token !== this.token) {
            ws.close(CLOSE_CODES.unauthorized);
            return;
          }
          if (this.revoked) {
            ws.close(CLOSE_CODES.revoked);
            return;
          }
          ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'welcome', serverTime: new Date().toISOString(), ackedSeq: this.ackedSeq() }));
          if (this.policy) ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'policy', policy: this.policy }));
          return;
        case 'events':
          this.batches.push(message.events.map((e) => e.seq));
          for (const event of message.events) if (!this.events.has(event.seq)) this.events.set(event.seq, event);
          if (this.autoAck) ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'ack', upTo: this.ackedSeq() }));
          return;
        case 'policy-receipt':
          this.receipts.push(message);
          return;
        case 'heartbeat':
          this.heartbeats.push(message.outboxDepth ?? -1);
          return;
        case 'capabilities':
          this.capabilityReports.push(message.capabilities);
          return;
        case 'exception-receipt':
          this.exceptionReceipts.push(message);
          return;
        case 'exception-request':
          this.exceptionRequests.push(message);
          return;
      }
    });
  }
}
