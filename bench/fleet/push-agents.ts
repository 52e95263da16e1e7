/**
 * The agent side of the policy-push benchmarks, run in a child process so the console's event loop
 * is not shared with thousands of clients: either simulated agents speaking the real protocol (the
 * fleet simulator's `Fleet`, with heartbeats) or bare ws clients for the raw-broadcast baseline.
 * Both record when each one receives the next policy frame and answer it with a receipt.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { PROTOCOL_VERSION, type ConsoleToAgentMessage } from '@dlp/shared';
import WebSocket from 'ws';
import { Fleet } from '../../tools/simulator/fleet';
import { receiptHash, type AgentCredentials } from '../../tools/simulator/sim-agent';

/** Wall-clock milliseconds with sub-ms resolution, comparable across processes on one machine. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export type AgentsMode = 'protocol' | 'raw';

/** parent → child */
type ToChild = { type: 'start'; mode: AgentsMode; url: string; count: number; creds: AgentCredentials[]; heartbeatMs: number } | { type: 'expect'; serial: number };
/** child → parent */
type FromChild = { type: 'ready'; connected: number } | { type: 'arrivals'; arrivals: number[] };

/** The `p`-th percentile (nearest rank) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Child body: call when `process.argv` says this process is the agents child. */
export function runPushAgentsChild(): void {
  let expectSerial = Number.POSITIVE_INFINITY;
  let count = 0;
  const arrivals: number[] = [];
  const arrived = (serial: number, atMs: number): void => {
    if (serial < expectSerial) return;
    arrivals.push(atMs);
    if (arrivals.length === count) process.send?.({ type: 'arrivals', arrivals } satisfies FromChild);
  };
  process.on('message', (message: ToChild) => {
    if (message.type === 'expect') {
      expectSerial = message.serial;
      return;
    }
    count = message.count;
    void (message.mode === 'protocol' ? protocolAgents(message, arrived) : rawClients(message, arrived)).then((connected) =>
      process.send?.({ type: 'ready', connected } satisfies FromChild),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

/**
 * Agents connecting at once: below the gateway's 128 pending handshakes (DEFAULT_MAX_PENDING_HANDSHAKES),
 * beyond which it answers 503 and the agent retries seconds later, so a push would be timed against
 * agents that are not connected yet.
 */
const CONNECT_CONCURRENCY = 100;

async function protocolAgents(message: Extract<ToChild, { type: 'start' }>, arrived: (serial: number, atMs: number) => void): Promise<number> {
  const fleet = new Fleet(message.creds, { url: message.url, batch: 500, heartbeatMs: message.heartbeatMs, tlsInsecure: false }, 0);
  // Arrival is stamped when the frame arrives, before parsing (the agent's own work is not the console's).
  fleet.onPolicy(arrived);
  await fleet.connectAll(CONNECT_CONCURRENCY);
  return fleet.take().connected;
}

async function rawClients(message: Extract<ToChild, { type: 'start' }>, arrived: (serial: number, atMs: number) => void): Promise<number> {
  let connected = 0;
  const connectOne = async (): Promise<void> => {
    const ws = new WebSocket(message.url, { perMessageDeflate: false });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.on('message', (data) => {
      const at = nowMs();
      const parsed = JSON.parse(String(data)) as ConsoleToAgentMessage;
      if (parsed.type !== 'policy') return;
      arrived(parsed.policy.bundle.serial, at);
      const bundle = parsed.policy.bundle;
      ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'policy-receipt', serial: bundle.serial, hash: receiptHash(bundle), status: 'applied' }));
    });
    connected += 1;
  };
  for (let i = 0; i < message.count; i += CONNECT_CONCURRENCY) await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, message.count - i) }, connectOne));
  return connected;
}

/** A running agents child: tell it which serial to time, then await every arrival. */
export interface PushAgents {
  child: ChildProcess;
  connected: number;
  expect(serial: number): Promise<number[]>;
}

/**
 * Forks `entry` (the bench bundle, which must call `runPushAgentsChild()` when started with
 * `childArg`) and connects `count` agents to `url`.
 */
export function startPushAgents(entry: string, childArg: string, start: Omit<Extract<ToChild, { type: 'start' }>, 'type'>): Promise<PushAgents> {
  const child = fork(entry, [childArg], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send({ type: 'start', ...start } satisfies ToChild);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`agents child exited with ${code}`)));
    child.once('message', (message: FromChild) => {
      if (message.type !== 'ready') return reject(new Error('agents child: unexpected first message'));
      resolve({
        child,
        connected: message.connected,
        expect: (serial) => {
          const arrivals = new Promise<number[]>((done) => child.once('message', (m: FromChild) => m.type === 'arrivals' && done(m.arrivals)));
          child.send({ type: 'expect', serial } satisfies ToChild);
          return arrivals;
        },
      });
    });
  });
}
