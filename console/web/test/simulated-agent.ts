/* eslint-disable no-restricted-imports -- Node-side test harness: a simulated agent speaking the real ws protocol. */
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import {
  PROTOCOL_VERSION,
  canonicalJson,
  consoleToAgentMessage,
  decodeFrame,
  eventsMessage,
  type AgentEvent,
  type AgentInfo,
  type AgentToConsoleMessage,
  type CapabilityReport,
  type ConsoleToAgentMessage,
  type ExceptionRequestTarget,
  type ScanProgress,
  type ScanRequestMessage,
  type ScanStatusMessage,
  type SignedException,
  type SignedPolicy,
  uuidv7,
} from '@dlp/shared';

const WAIT_MS = 20_000;

type MessageOf<T extends ConsoleToAgentMessage['type']> = Extract<ConsoleToAgentMessage, { type: T }>;

/** One ws connection to /agent with a queue of validated console messages. */
class AgentLink {
  private readonly queue: ConsoleToAgentMessage[] = [];
  private readonly waiters = new Set<() => void>();
  private closeInfo: { code: number; reason: string } | null = null;
  private invalidFrame: string | null = null;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: WebSocket.RawData) => {
      const decoded = decodeFrame(consoleToAgentMessage, data.toString());
      if (decoded.ok) this.queue.push(decoded.message);
      else this.invalidFrame = decoded.message;
      this.wake();
    });
    socket.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static open(consoleUrl: string): Promise<AgentLink> {
    const socket = new WebSocket(`${consoleUrl.replace(/^http/, 'ws')}/agent`);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new AgentLink(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
  }

  send(message: AgentToConsoleMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Sends a frame as written, unchecked: what a broken or hostile agent could put on the wire. */
  sendUnchecked(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** The next message of `type`, skipping others (e.g. heartbeats). */
  next<T extends ConsoleToAgentMessage['type']>(type: T, timeoutMs = WAIT_MS): Promise<MessageOf<T>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.queue.findIndex((message) => message.type === type);
        if (index >= 0) {
          const [message] = this.queue.splice(index, 1);
          done();
          resolve(message as MessageOf<T>);
        } else if (this.invalidFrame) {
          done();
          reject(new Error(`console sent a frame that breaks the protocol: ${this.invalidFrame}`));
        } else if (this.closeInfo) {
          done();
          reject(new Error(`connection closed (${this.closeInfo.code} ${this.closeInfo.reason}) while waiting for ${type}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${type} message within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves with the close code once the socket is closed. */
  closed(): Promise<number> {
    return new Promise((resolve) => {
      if (this.closeInfo) resolve(this.closeInfo.code);
      else this.socket.once('close', (code) => resolve(code));
    });
  }

  close(): Promise<number> {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(1000);
    return this.closed();
  }
}

export interface AgentCredentials {
  agentId: string;
  token: string;
}

/** Enrolls with a secret exactly as a new agent does; the console closes the connection afterwards. */
export async function enrollAgent(consoleUrl: string, secret: string, agent: AgentInfo): Promise<AgentCredentials> {
  const link = await AgentLink.open(consoleUrl);
  link.send({ v: PROTOCOL_VERSION, type: 'enroll', secret, agent });
  const enrolled = await link.next('enrolled');
  await link.close();
  return { agentId: enrolled.agentId, token: enrolled.token };
}

/** An enrolled agent connected with `hello`, able to report events and policy receipts. */
export class SimulatedAgent {
  private constructor(private readonly link: AgentLink) {}

  /** `clockOffsetMs`: how far the agent's clock is off (its hello then reports that clock). */
  static async connect(consoleUrl: string, credentials: AgentCredentials, agent: AgentInfo, capabilities: CapabilityReport, clockOffsetMs?: number): Promise<SimulatedAgent> {
    const link = await AgentLink.open(consoleUrl);
    const clock = clockOffsetMs === undefined ? {} : { sentAt: new Date(Date.now() + clockOffsetMs).toISOString() };
    link.send({ v: PROTOCOL_VERSION, type: 'hello', agentId: credentials.agentId, token: credentials.token, agent, policySerial: null, capabilities, ...clock });
    await link.next('welcome');
    return new SimulatedAgent(link);
  }

  /** Waits for the pushed policy and reports it applied, as a real agent does after verifying it. */
  async applyPushedPolicy(): Promise<SignedPolicy> {
    const { policy } = await this.link.next('policy');
    const hash = createHash('sha256').update(canonicalJson(policy.bundle)).digest('hex');
    this.link.send({ v: PROTOCOL_VERSION, type: 'policy-receipt', serial: policy.bundle.serial, hash, status: 'applied' });
    return policy;
  }

  /** Waits for the pushed policy and refuses it with `error`, as an agent does when verification fails. */
  async rejectPushedPolicy(error: string): Promise<SignedPolicy> {
    const { policy } = await this.link.next('policy');
    const hash = createHash('sha256').update(canonicalJson(policy.bundle)).digest('hex');
    this.link.send({ v: PROTOCOL_VERSION, type: 'policy-receipt', serial: policy.bundle.serial, hash, status: 'rejected', error });
    return policy;
  }

  /** Sends one batch and resolves with the acked sequence number (the console acks after commit). */
  async sendEvents(events: AgentEvent[]): Promise<number> {
    const message = eventsMessage.parse({ v: PROTOCOL_VERSION, type: 'events', events });
    this.link.send(message);
    const ack = await this.link.next('ack');
    return ack.upTo;
  }

  /**
   * Sends one batch exactly as given, without the schema's parse (which would already mask raw
   * content samples on this side), and resolves with the acked sequence number.
   */
  async sendEventsUnchecked(events: readonly unknown[]): Promise<number> {
    this.link.sendUnchecked({ v: PROTOCOL_VERSION, type: 'events', events });
    const ack = await this.link.next('ack');
    return ack.upTo;
  }

  /** An employee asks for an exception through the agent (as `dlp-agent request-exception` does). */
  requestException(target: ExceptionRequestTarget, justification: string, requestedMinutes: number, user: string | null): void {
    this.link.send({ v: PROTOCOL_VERSION, type: 'exception-request', requestId: uuidv7(), target, justification, requestedMinutes, user });
  }

  /** Waits for a signed exception pushed by the console and confirms it applied, as a real agent does. */
  async receiveException(): Promise<SignedException> {
    const { exception } = await this.link.next('exception');
    this.link.send({ v: PROTOCOL_VERSION, type: 'exception-receipt', id: exception.exception.id, status: 'applied' });
    return exception;
  }

  /** Waits for the console's scan request and reports the scan ended in `state`, as a real agent does. */
  async answerScan(state: ScanStatusMessage['state'], progress: ScanProgress, error?: string): Promise<ScanRequestMessage> {
    const request = await this.link.next('scan-request');
    this.link.send({ v: PROTOCOL_VERSION, type: 'scan-status', scanId: request.scanId, path: request.path, state, progress, ...(error ? { error } : {}), at: new Date().toISOString() });
    return request;
  }

  close(): Promise<number> {
    return this.link.close();
  }
}
