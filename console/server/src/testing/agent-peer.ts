import { consoleToAgentMessage, PROTOCOL_VERSION, type AgentInfo, type ConsoleToAgentMessage } from '@dlp/shared';
import WebSocket from 'ws';

export const TEST_AGENT_INFO: AgentInfo = { hostname: 'ws-test-01', os: 'linux', osVersion: 'Debian 12', agentVersion: '0.1.0', user: 'alice' };

/**
 * A test stand-in for the agent: a real ws client that speaks the shared protocol and records what
 * the console sends, so tests can wait for a given message or for the close code.
 */
export class AgentPeer {
  readonly received: ConsoleToAgentMessage[] = [];
  /** Frames that did not match the protocol: a console bug, which tests assert never happens. */
  readonly invalid: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      let value: unknown;
      try {
        value = JSON.parse(String(data));
      } catch {
        value = undefined;
      }
      const parsed = consoleToAgentMessage.safeParse(value);
      if (parsed.success) this.received.push(parsed.data);
      else this.invalid.push(String(data));
      this.notify();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => undefined);
  }

  static async connect(url: string, options: WebSocket.ClientOptions = {}): Promise<AgentPeer> {
    const ws = new WebSocket(url, options);
    const peer = new AgentPeer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return peer;
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Sends one `events` batch and resolves with the console's ack for it (earlier acks are skipped). */
  async sendEvents(events: readonly object[]): Promise<Extract<ConsoleToAgentMessage, { type: 'ack' }>> {
    const earlier = this.received.filter((m) => m.type === 'ack').length;
    this.send({ v: PROTOCOL_VERSION, type: 'events', events });
    return this.next('ack', earlier);
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Sends already UTF-8-encoded JSON as a text frame, as an agent's frames are (load generators encode once). */
  sendTextBytes(frame: Buffer): void {
    this.ws.send(frame, { binary: false });
  }

  /** The first received message of `type` (after `skip` earlier ones), waiting up to timeoutMs. */
  async next<T extends ConsoleToAgentMessage['type']>(type: T, skip = 0, timeoutMs = 10_000): Promise<Extract<ConsoleToAgentMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matches = this.received.filter((m): m is Extract<ConsoleToAgentMessage, { type: T }> => m.type === type);
      const found = matches[skip];
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} message within ${timeoutMs} ms; got ${JSON.stringify(this.received.map((m) => m.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves with the close code, failing after timeoutMs so a broken console cannot hang the test. */
  async closeCode(timeoutMs = 10_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`connection not closed within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return (await Promise.race([this.closed, timeout])).code;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Enrolls a new agent with `secret` and returns its credentials. */
export async function enrollAgent(
  agentUrl: string,
  secret: string,
  info: AgentInfo = TEST_AGENT_INFO,
  options: WebSocket.ClientOptions = {},
): Promise<{ agentId: string; token: string; publicKey: string; unlockKey: string | undefined }> {
  const peer = await AgentPeer.connect(agentUrl, options);
  peer.send({ v: PROTOCOL_VERSION, type: 'enroll', secret, agent: info });
  const enrolled = await peer.next('enrolled');
  await peer.closeCode();
  return { agentId: enrolled.agentId, token: enrolled.token, publicKey: enrolled.consoleKey.publicKey, unlockKey: enrolled.unlockKey };
}

/** Connects and says hello; resolves once `welcome` arrived. */
export async function helloAgent(
  agentUrl: string,
  creds: { agentId: string; token: string },
  policySerial: number | null = null,
  info: AgentInfo = TEST_AGENT_INFO,
): Promise<AgentPeer> {
  const peer = await AgentPeer.connect(agentUrl);
  peer.send({ v: PROTOCOL_VERSION, type: 'hello', agentId: creds.agentId, token: creds.token, agent: info, policySerial });
  await peer.next('welcome');
  return peer;
}
