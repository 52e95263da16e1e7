import {
  agentToConsoleMessage,
  CLOSE_CODES,
  decodeFrame,
  LIMITS,
  PROTOCOL_VERSION,
  type AgentToConsoleMessage,
  type ConsoleToAgentMessage,
  type EventsMessage,
  type HelloMessage,
  type SignedException,
  type SignedPolicy,
} from '@dlp/shared';
import WebSocket from 'ws';
import { canonicalHash } from '@dlp/shared/node';
import { errorFields, type LogFields } from '../logging/logger';
import type { IngestResult } from '../events/event-service';
import { handleAgentReport } from './agent-reports';
import type { ConnectionServices } from './connection-context';
import { answerEnroll } from './enrollment-answer';
import { policyFrame } from './policy-frame-cache';

/** What a connection needs from the rest of the console: the services, and the gateway's registry of live connections. */
export interface ConnectionContext extends ConnectionServices {
  /** Makes this the agent's one live connection, closing any older one with 4409. */
  register(agentId: string, connection: AgentConnection): void;
  /** Forgets the connection; true when it was still the agent's current one. */
  unregister(agentId: string, connection: AgentConnection): boolean;
}

type State = 'awaiting-hello' | 'ready' | 'closed';

/**
 * Frames queued but not yet handled before the socket is paused: an agent that sends faster than
 * SQLite commits is slowed down by TCP instead of growing the console's memory.
 */
const PAUSE_AT_PENDING = 8;
const RESUME_AT_PENDING = 2;

/** ws close reasons are limited to 123 bytes; ours are short, fixed phrases. */
const INTERNAL_ERROR_CLOSE = 1011;

/** hello and enroll nest about 4 levels: anything much deeper from an unauthenticated peer is an attack. */
const PRE_HELLO_DECODE = { maxDepth: 32 };

/**
 * One agent socket. Frames are decoded on arrival and handled strictly one after another, so a
 * batch is acked only after it and every batch before it committed. Event batches start committing
 * on arrival, though, not when their turn comes: an agent with a backlog (back online after days)
 * uploads at the group-commit rate, with the batches it pipelines sharing transactions, instead of
 * one batch per fsync. If one fails the connection is closed before any later ack, and the later
 * batches cannot move the stored acked seq past it (see `AckedSeqAdvance`).
 */
export class AgentConnection {
  private state: State = 'awaiting-hello';
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  /** Last seq of the newest batch handed to ingest on this connection (0: none yet). */
  private ingestStartedUpTo = 0;
  private helloTimer: NodeJS.Timeout | undefined;
  private agentIdValue: string | undefined;
  private groupIdValue: string | undefined;
  /** Serial the agent said it enforces at hello. */
  private helloPolicySerial: number | null = null;
  /** Newest serial sent on this connection, so a policy is never sent twice. */
  private policySerialSent: number | null = null;
  /** The group that serial was bound to: after a move the same serial is sent again, bound to the new group. */
  private policyGroupSent: string | null = null;
  /** Last time any frame (including pong) arrived; drives the liveness check. */
  lastFrameAtMs = Date.now();
  /** Outbox depth from the agent's last heartbeat (absent until it reports one). */
  outboxDepth: number | undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly remoteAddress: string,
    private readonly ctx: ConnectionContext,
    helloTimeoutMs: number,
  ) {
    this.helloTimer = setTimeout(() => {
      this.guard('hello-timeout', () => {
        if (this.state === 'awaiting-hello') this.refuse(CLOSE_CODES.helloTimeout, 'hello_timeout', `no hello or enroll within ${helloTimeoutMs} ms`);
      });
    }, helloTimeoutMs);
    // Each listener runs inside ws's socket callbacks: an exception there would reach the process.
    ws.on('message', (data, isBinary) => this.guard('message', () => this.onFrame(data, isBinary)));
    ws.on('pong', () => this.touch());
    ws.on('ping', () => this.touch());
    ws.on('error', (err) => this.guard('error', () => this.onSocketError(err)));
    ws.on('close', (code) => this.guard('close', () => this.onClose(code)));
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  get agentId(): string | undefined {
    return this.agentIdValue;
  }

  get groupId(): string | undefined {
    return this.groupIdValue;
  }

  /** Resolves when every frame received so far has been handled. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Sends a policy unless this connection already sent it (or a newer one). Only on ready connections. */
  offerPolicy(policy: SignedPolicy): void {
    const groupId = this.groupIdValue;
    if (this.state !== 'ready' || groupId === undefined) return;
    const serial = policy.bundle.serial;
    if (this.policySerialSent !== null && serial <= this.policySerialSent && this.policyGroupSent === groupId) return;
    this.policySerialSent = serial;
    this.policyGroupSent = groupId;
    // Bound to this agent's group, so it cannot be replayed to an agent of another group.
    this.sendFrame(policyFrame(this.ctx.policies.forGroup(policy, groupId)));
    this.ctx.metrics.policyPushed();
    this.ctx.logger.debug('policy sent', { agentId: this.agentIdValue, serial, version: policy.bundle.version });
  }

  /**
   * The agent moved to another group: it gets the signed assignment (with its new move serial, read
   * back from the store) and then the new group's policy; later pushes follow the new group.
   */
  moveTo(groupId: string, policy: SignedPolicy | undefined): void {
    const agentId = this.agentIdValue;
    if (this.state !== 'ready' || agentId === undefined) {
      this.groupIdValue = groupId;
      return;
    }
    this.ctx.track(
      (async () => {
        const record = await this.ctx.agents.findRecord(agentId);
        if (!record || this.state !== 'ready') return;
        this.groupIdValue = record.groupId;
        this.sendGroupAssignment(record.groupId, record.groupSerial);
        // Read again rather than trust `policy`: a publish may have landed while the record was read.
        const effective = (await this.ctx.policies.effectiveForGroup(record.groupId)) ?? (record.groupId === groupId ? policy : undefined);
        if (effective && this.state === 'ready') this.offerPolicy(effective);
      })().catch((err: unknown) => this.ctx.logger.error('could not tell an agent about its move', { agentId, ...errorFields(err) })),
    );
  }

  private sendGroupAssignment(groupId: string, groupSerial: number): void {
    const agentId = this.agentIdValue;
    if (agentId === undefined) return;
    this.send({ v: PROTOCOL_VERSION, type: 'group-assignment', assignment: this.ctx.policies.groupAssignment(agentId, groupId, groupSerial) });
  }

  /** Sends a signed exception (the agent ignores one it already holds). Only on ready connections. */
  offerException(signed: SignedException): void {
    if (this.state !== 'ready') return;
    this.send({ v: PROTOCOL_VERSION, type: 'exception', exception: signed });
    this.ctx.metrics.exceptionPushed();
    this.ctx.logger.info('exception sent', { agentId: this.agentIdValue, exceptionId: signed.exception.id, serial: signed.exception.serial });
  }

  /** Withdraws an exception on the agent. Only on ready connections. */
  offerExceptionRevoke(id: string, serial: number): void {
    if (this.state !== 'ready') return;
    this.send({ v: PROTOCOL_VERSION, type: 'exception-revoke', id, serial });
    this.ctx.metrics.exceptionPushed();
    this.ctx.logger.info('exception revoke sent', { agentId: this.agentIdValue, exceptionId: id, serial });
  }

  /** Asks the agent to scan a folder (it answers with `scan-status`). Only on ready connections. */
  offerScanRequest(request: { scanId: string; path: string; requestedBy: string }): void {
    if (this.state !== 'ready') return;
    this.send({ v: PROTOCOL_VERSION, type: 'scan-request', scanId: request.scanId, path: request.path, requestedBy: request.requestedBy });
    this.ctx.logger.info('scan request sent', { agentId: this.agentIdValue, scanId: request.scanId });
  }

  /** Tells the agent why, logs one line, and closes with an application close code. */
  refuse(closeCode: number, errorCode: string, message: string, fields: LogFields = {}): void {
    if (this.state === 'closed') return;
    this.ctx.metrics.agentRefused(errorCode);
    this.ctx.logger.warn('agent connection refused', {
      reason: errorCode,
      closeCode,
      remoteAddress: this.remoteAddress,
      agentId: this.agentIdValue,
      // Decode messages can quote attacker-chosen key names: keep log lines bounded.
      detail: message.slice(0, 500),
      ...fields,
    });
    this.send({ v: PROTOCOL_VERSION, type: 'error', code: errorCode, message: message.slice(0, LIMITS.maxText) });
    this.close(closeCode, errorCode);
  }

  /** Closes without an error message (shutdown, normal end of enrollment). */
  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearHelloTimer();
    this.ws.close(code, reason);
  }

  /** Drops a peer that stopped answering: no close handshake to wait for. */
  terminate(why: string): void {
    this.ctx.logger.warn('agent connection dropped', { reason: why, remoteAddress: this.remoteAddress, agentId: this.agentIdValue });
    this.state = 'closed';
    this.ws.terminate();
  }

  /** Calls `listener` once the socket is fully closed (at once if it already is). */
  onceClosed(listener: () => void): void {
    if (this.ws.readyState === WebSocket.CLOSED) listener();
    else this.ws.once('close', listener);
  }

  ping(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
  }

  /**
   * Runs a socket callback so that a bug it hits ends this connection (logged, closed 1011), never
   * the console process and every other agent with it.
   */
  private guard(stage: string, work: () => void): void {
    try {
      work();
    } catch (err) {
      this.ctx.logger.error('agent connection failed', { stage, remoteAddress: this.remoteAddress, agentId: this.agentIdValue, ...errorFields(err) });
      this.state = 'closed';
      this.clearHelloTimer();
      try {
        this.ws.close(INTERNAL_ERROR_CLOSE, 'internal_error');
      } catch {
        this.ws.terminate();
      }
    }
  }

  private touch(): void {
    this.lastFrameAtMs = Date.now();
  }

  private onFrame(data: WebSocket.RawData, isBinary: boolean): void {
    this.touch();
    if (this.state === 'closed') return;
    const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const decoded = decodeFrame(agentToConsoleMessage, isBinary ? raw : raw.toString('utf8'), this.state === 'awaiting-hello' ? PRE_HELLO_DECODE : undefined);
    if (!decoded.ok) {
      const closeCode =
        decoded.code === 'protocol_version' ? CLOSE_CODES.protocolVersion : decoded.code === 'too_big' ? CLOSE_CODES.tooBig : CLOSE_CODES.badMessage;
      this.refuse(closeCode, decoded.code, decoded.message);
      return;
    }
    if (this.state === 'awaiting-hello' && (decoded.message.type === 'hello' || decoded.message.type === 'enroll')) this.clearHelloTimer();
    this.enqueue(decoded.message);
  }

  private enqueue(message: AgentToConsoleMessage): void {
    this.pending += 1;
    if (this.pending >= PAUSE_AT_PENDING && !this.ws.isPaused) this.ws.pause();
    // Before hello is done the batch waits its turn (it is refused or started then).
    const ingesting = message.type === 'events' && this.state === 'ready' ? this.startIngest(message.events) : undefined;
    this.chain = this.chain.then(async () => {
      try {
        if (this.state !== 'closed') await this.handle(message, ingesting);
      } catch (err) {
        this.ctx.logger.error('agent message failed', { type: message.type, agentId: this.agentIdValue, ...errorFields(err) });
        this.refuse(INTERNAL_ERROR_CLOSE, 'internal_error', 'the console could not handle this message; reconnect later');
      } finally {
        this.pending -= 1;
        if (this.pending <= RESUME_AT_PENDING && this.ws.isPaused) this.ws.resume();
      }
    });
  }

  /** Hands a batch to ingest now; its ack is sent in turn by `handle`. */
  private startIngest(events: EventsMessage['events']): Promise<IngestResult> {
    const agentId = this.agentIdValue;
    if (agentId === undefined) return Promise.reject(new Error('events before hello'));
    const previousUpTo = this.ingestStartedUpTo;
    this.ingestStartedUpTo = Math.max(previousUpTo, events[events.length - 1]?.seq ?? 0);
    const started = process.hrtime.bigint();
    const received = events.length;
    const ingesting = this.ctx.events.ingest(agentId, events, previousUpTo).then((result) => {
      this.ctx.metrics.batchCommitted(received, result.stored.length, Number(process.hrtime.bigint() - started) / 1e9);
      return result;
    });
    // Awaited in turn by `handle`; if the connection closed first, nobody will: not unhandled.
    ingesting.catch(() => undefined);
    return ingesting;
  }

  private async handle(message: AgentToConsoleMessage, ingesting?: Promise<IngestResult>): Promise<void> {
    if (this.state === 'awaiting-hello') {
      if (message.type === 'enroll') {
        return answerEnroll(this.ctx, { remoteAddress: this.remoteAddress, send: (m) => this.send(m), close: (code, reason) => this.close(code, reason), refuse: (...args) => this.refuse(...args), adoptAgent: (id) => (this.agentIdValue = id) }, message);
      }
      if (message.type === 'hello') return this.handleHello(message);
      return this.refuse(CLOSE_CODES.unauthorized, 'hello_required', `the first message must be hello or enroll, not ${message.type}`);
    }
    const agentId = this.agentIdValue;
    if (agentId === undefined) return;
    switch (message.type) {
      case 'events': {
        // For the ack-lag metric. Ingest may already own the event objects; it only adds fields.
        const occurredAtMs = message.events.map((e) => Date.parse(e.occurredAt));
        const result = await (ingesting ?? this.startIngest(message.events));
        this.send({ v: PROTOCOL_VERSION, type: 'ack', upTo: result.upTo });
        const ackedAtMs = Date.now();
        for (const at of occurredAtMs) this.ctx.metrics.eventAcked((ackedAtMs - at) / 1000);
        return;
      }
      case 'policy-receipt':
      case 'capabilities':
      case 'heartbeat':
      case 'exception-request':
      case 'exception-receipt':
      case 'scan-status':
        return handleAgentReport(this.ctx, agentId, { send: (m) => this.send(m), noteOutboxDepth: (depth) => (this.outboxDepth = depth) }, message);
      case 'hello':
      case 'enroll':
        return this.refuse(CLOSE_CODES.badMessage, 'unexpected_message', `${message.type} is only valid as the first message`);
    }
  }

  private async handleHello(message: HelloMessage): Promise<void> {
    const verdict = await this.ctx.agents.authenticate(message);
    if (!verdict.ok) {
      if (verdict.reason === 'revoked') {
        return this.refuse(CLOSE_CODES.revoked, 'revoked', 'this agent was revoked', { agentId: message.agentId });
      }
      return this.refuse(CLOSE_CODES.unauthorized, 'bad_credentials', 'unknown agent or wrong token', { agentId: message.agentId, why: verdict.reason });
    }
    const agent = verdict.agent;
    this.agentIdValue = agent.id;
    this.groupIdValue = agent.groupId;
    this.helloPolicySerial = message.policySerial;
    this.ctx.register(agent.id, this);
    await this.ctx.agents.recordHello(message);
    if (this.state === 'closed') return;
    this.send({ v: PROTOCOL_VERSION, type: 'welcome', serverTime: new Date().toISOString(), ackedSeq: agent.ackedSeq });
    this.state = 'ready';
    this.ctx.metrics.agentConnected();
    this.ctx.logger.info('agent connected', { agentId: agent.id, hostname: message.agent.hostname, remoteAddress: this.remoteAddress, policySerial: message.policySerial });
    // The signed group first: the agent accepts a group-bound policy only for the group it was told.
    this.sendGroupAssignment(agent.groupId, agent.groupSerial);
    const effective = await this.ctx.policies.effectiveForGroup(agent.groupId);
    // Same serial but another bundle (bound to its old group, or unbound from an older console): resend.
    const boundHash = effective ? canonicalHash(this.ctx.policies.forGroup(effective, agent.groupId).bundle) : null;
    const receiptHash = agent.lastReceipt?.serial === effective?.bundle.serial ? agent.lastReceipt?.hash : undefined;
    if (effective && (effective.bundle.serial !== this.helloPolicySerial || (receiptHash !== undefined && receiptHash !== boundHash))) this.offerPolicy(effective);
    // Grants and revokes the agent may have missed while offline; it ignores what it already has.
    const { grants, revokes } = await this.ctx.exceptions.forAgent(agent.id);
    for (const grant of grants) if (grant.signed) this.offerException(grant.signed);
    for (const revoke of revokes) if (revoke.serial !== null) this.offerExceptionRevoke(revoke.id, revoke.serial);
  }

  private send(message: ConsoleToAgentMessage): void {
    this.sendFrame(JSON.stringify(message));
  }

  private sendFrame(frame: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  private onSocketError(err: Error & { code?: string }): void {
    // ws closes the socket itself after a protocol error (1009 for an oversized frame, 1002 otherwise).
    const tooBig = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
    this.ctx.metrics.agentRefused(tooBig ? 'too_big' : 'socket_error');
    this.ctx.logger.warn('agent connection refused', {
      reason: tooBig ? 'too_big' : (err.code ?? 'socket_error'),
      closeCode: tooBig ? CLOSE_CODES.tooBig : undefined,
      remoteAddress: this.remoteAddress,
      agentId: this.agentIdValue,
      detail: err.message,
    });
    this.state = 'closed';
  }

  private onClose(code: number): void {
    this.state = 'closed';
    this.clearHelloTimer();
    const agentId = this.agentIdValue;
    if (agentId !== undefined && this.ctx.unregister(agentId, this)) {
      this.ctx.track(
        this.ctx.agents.markOffline(agentId).catch((err: unknown) => this.ctx.logger.error('could not mark agent offline', { agentId, ...errorFields(err) })),
      );
      this.ctx.logger.info('agent disconnected', { agentId, code });
    }
  }

  private clearHelloTimer(): void {
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = undefined;
  }
}
