/**
 * Reconnect benchmark (issue 13, not a test): N agents (1,000 by default) connected to a console
 * process; the console is killed (SIGKILL) and started again on the same port and data dir after an
 * outage (60 s by default). Figure: per agent, the time from the console listening again to the
 * agent's `welcome` (p50, p95, max). The agents follow the agent service's own reconnect policy —
 * `Backoff` with DEFAULT_LINK_TIMINGS (full jitter, 3 s ceiling in the first 15 min of an outage) and
 * the console's 503 Retry-After — over the real protocol (enrolled agents, hello with credentials).
 * Baseline in the same run, same console and outage: the previous policy (ceiling doubling to 30 s).
 * The console runs from the build (`npm run build` first, or DLP_BENCH_CONSOLE=path/to/server.js):
 *   node dist/bench/reconnect.js [agents] [outageSeconds]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { PROTOCOL_VERSION } from '@dlp/shared';
import WebSocket from 'ws';
import { Backoff } from '../agent/service/src/core/link/backoff';
import { DEFAULT_LINK_TIMINGS } from '../agent/service/src/core/link/console-link';
import { RestClient } from '../console/server/src/testing/rest-client';
import { ensureEnrolled } from '../tools/simulator/enroll';
import type { AgentCredentials } from '../tools/simulator/sim-agent';
import { nowMs, percentile } from './fleet/push-agents';

const PASSWORD = 'benchmark password 2026!';
const log = (line: string): void => void process.stderr.write(`reconnect: ${line}\n`);

/** Starts the console on `port` (0: any); resolves with its URL once it listens, and when that was. */
async function startConsole(dataDir: string, port: number): Promise<{ child: ChildProcess; url: string; listeningAtMs: number }> {
  const entry = process.env['DLP_BENCH_CONSOLE'] ?? path.join(__dirname, '../console/server.js');
  const child = spawn(process.execPath, [entry, '--data-dir', dataDir, '--port', String(port), '--host', '127.0.0.1'], {
    env: { ...process.env, DLP_ADMIN_PASSWORD: PASSWORD },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`console exited with ${code} (built? run npm run build)`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const match = /^DLP_CONSOLE_LISTENING url=(\S+)/.exec(line);
      if (match?.[1]) resolve({ child, url: match[1], listeningAtMs: nowMs() });
    });
  });
}

async function killConsole(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

type Policy = 'current' | 'previous';

/** The reconnect policy under test: the agent's current defaults, or the ceiling of 30 s it had before. */
function backoffFor(policy: Policy): Backoff {
  const t = DEFAULT_LINK_TIMINGS;
  return policy === 'current'
    ? new Backoff(t.backoffBaseMs, t.backoffCapMs, Math.random, { fastCapMs: t.outageBackoffCapMs, fastWindowMs: t.outageFastRetryWindowMs })
    : new Backoff(500, 30_000);
}

/** One agent's connection: hello with its credentials, and the link's reconnect rules (backoff, Retry-After). */
class BenchAgent {
  welcomedAtMs: number | null = null;
  /** When the last ws upgrade succeeded (before hello): tells the console's accept from its hello work. */
  openedAtMs: number | null = null;
  /** Connection attempts since the policy was set. */
  attempts = 0;
  private backoff: Backoff;
  private retryAfterMs: number | null = null;
  private stopped = false;
  private ws: WebSocket | null = null;

  constructor(
    private readonly creds: AgentCredentials,
    private readonly url: string,
    policy: Policy,
  ) {
    this.backoff = backoffFor(policy);
  }

  usePolicy(policy: Policy): void {
    this.backoff = backoffFor(policy);
    this.welcomedAtMs = null;
    this.openedAtMs = null;
    this.attempts = 0;
  }

  connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.url, { perMessageDeflate: false, handshakeTimeout: DEFAULT_LINK_TIMINGS.handshakeTimeoutMs });
    this.attempts += 1;
    ws.on('unexpected-response', (_req, res) => {
      const seconds = Number(res.headers['retry-after']);
      if (res.statusCode === 503 && Number.isFinite(seconds) && seconds > 0) this.retryAfterMs = Math.min(seconds, 60) * 1000;
      ws.terminate();
    });
    ws.on('open', () => {
      this.openedAtMs = nowMs();
      ws.send(
        JSON.stringify({
          v: PROTOCOL_VERSION,
          type: 'hello',
          agentId: this.creds.agentId,
          token: this.creds.token,
          agent: { hostname: this.creds.hostname, os: 'linux', osVersion: 'bench', agentVersion: '0.1.0-bench', user: null },
          policySerial: null,
          sentAt: new Date().toISOString(),
        }),
      );
    });
    ws.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type?: string }).type !== 'welcome') return;
      this.welcomedAtMs = nowMs();
      this.backoff.reset();
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (this.stopped) return;
      const delay = this.retryAfterMs === null ? this.backoff.next() : this.backoff.after(this.retryAfterMs);
      this.retryAfterMs = null;
      setTimeout(() => this.connect(), delay);
    });
    this.ws = ws;
  }

  stop(): void {
    this.stopped = true;
    this.ws?.terminate();
  }
}

async function waitUntil(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Kills the console, keeps it down for `outageS`, starts it again; returns each agent's reconnect time (ms). */
async function outage(agents: BenchAgent[], consoleDir: string, port: number, current: ChildProcess, outageS: number): Promise<{ child: ChildProcess; times: number[] }> {
  await killConsole(current);
  await new Promise((r) => setTimeout(r, outageS * 1000));
  const restarted = await startConsole(consoleDir, port);
  // Bounded: the previous policy needs up to its 30 s ceiling plus the handshake.
  await waitUntil('every agent back', () => agents.every((a) => a.welcomedAtMs !== null), 120_000).catch((err: unknown) => log(String(err)));
  const times = agents.flatMap((a) => (a.welcomedAtMs === null ? [] : [a.welcomedAtMs - restarted.listeningAtMs]));
  const opened = agents.flatMap((a) => (a.openedAtMs === null ? [] : [a.openedAtMs - restarted.listeningAtMs]));
  const attempts = agents.map((a) => a.attempts);
  log(`upgrade done p50 ${percentile(opened, 50).toFixed(0)} ms, p95 ${percentile(opened, 95).toFixed(0)} ms; attempts per agent p50 ${percentile(attempts, 50)}, max ${Math.max(...attempts)}`);
  return { child: restarted.child, times };
}

async function main(count: number, outageS: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-reconnect-'));
  const consoleDir = path.join(dir, 'console');
  let consoleChild: ChildProcess | null = null;
  const agents: BenchAgent[] = [];
  try {
    const first = await startConsole(consoleDir, 0);
    consoleChild = first.child;
    const port = Number(new URL(first.url).port);
    const agentUrl = `${first.url.replace(/^http/, 'ws')}/agent`;
    const admin = new RestClient(first.url);
    await admin.login('admin', PASSWORD);
    // Enrollment is rate limited per secret: this one is for a bench fleet.
    const secret = (await admin.json<{ secret: string }>('POST', '/api/v1/enroll-secrets', { label: 'bench', ratePerMinute: 100_000 })).body.secret;
    const creds = await ensureEnrolled({ url: agentUrl, count, secret, dir: path.join(dir, 'sim'), tlsInsecure: false });
    for (const c of creds) agents.push(new BenchAgent(c, agentUrl, 'current'));
    const connectStarted = nowMs();
    for (const agent of agents) agent.connect();
    await waitUntil('every agent connected', () => agents.every((a) => a.welcomedAtMs !== null), 120_000);
    log(`${count} agents connected in ${((nowMs() - connectStarted) / 1000).toFixed(1)} s; console down for ${outageS} s`);

    const results: Record<Policy, number[]> = { current: [], previous: [] };
    for (const policy of ['current', 'previous'] as const) {
      for (const agent of agents) agent.usePolicy(policy);
      const round = await outage(agents, consoleDir, port, consoleChild, outageS);
      consoleChild = round.child;
      results[policy] = round.times;
      log(`${policy} policy: ${round.times.length}/${count} back; p50 ${percentile(round.times, 50).toFixed(0)} ms, p95 ${percentile(round.times, 95).toFixed(0)} ms, max ${Math.max(...round.times).toFixed(0)} ms`);
    }
    const round = (n: number): number => Number(n.toFixed(2));
    const figure = (stat: string, value: number, baseline: number): void =>
      void process.stdout.write(`${JSON.stringify({ name: `agent.reconnect.${count}_agents.after_${outageS}s_outage.${stat}`, value: round(value / 1000), unit: 's', baseline: round(baseline / 1000), ratio: round(value / baseline) })}\n`);
    const { current, previous } = results;
    figure('p50', percentile(current, 50), percentile(previous, 50));
    figure('p95', percentile(current, 95), percentile(previous, 95));
    figure('max', Math.max(...current), Math.max(...previous));
    process.stdout.write(`${JSON.stringify({ name: `agent.reconnect.${count}_agents.after_${outageS}s_outage.reconnected`, value: current.length, unit: 'agents', baseline: previous.length, ratio: round(current.length / Math.max(1, previous.length)) })}\n`);
  } finally {
    for (const agent of agents) agent.stop();
    if (consoleChild) await killConsole(consoleChild);
    rmSync(dir, { recursive: true, force: true });
  }
}

main(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 60)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
