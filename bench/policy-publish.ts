/**
 * Policy publish benchmark (issue 4, not a test): an admin publishes a new policy version while N
 * simulated agents are connected over the real protocol. Figures: per-agent latency from publish to
 * policy arrival (p50, p99) and time until the console holds every apply receipt, each against a raw
 * ws broadcast of the same bytes to N bare clients that reply with the same receipt, in the same run.
 * Agents run in a child process so the console's event loop is not shared with them.
 *   node dist/bench/policy-publish.js [agents]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer } from 'ws';
import { PROTOCOL_VERSION, type ConsoleToAgentMessage, type PolicyDetail } from '@dlp/shared';
import { canonicalHash } from '@dlp/shared/node';
import { createConsole } from '../console/server/src/app';
import { enrollAgent, helloAgent } from '../console/server/src/testing/agent-peer';
import { createMemoryLogger } from '../console/server/src/testing/memory-logger';
import { RestClient } from '../console/server/src/testing/rest-client';

const nowMs = (): number => performance.timeOrigin + performance.now();
type ChildReport = { latencies: number[] };

/** Child: connect agents (protocol or raw), then record when each one receives the next policy frame. */
async function runAgents(mode: 'protocol' | 'raw', url: string, count: number): Promise<void> {
  // Credentials come over IPC: a thousand of them do not fit in argv.
  const credsJson = await new Promise<string>((resolve) => process.once('message', (m) => resolve(String(m))));
  const sockets: WebSocket[] = [];
  const arrivals: number[] = [];
  let expectSerial = Number.POSITIVE_INFINITY;
  const onPolicy = (ws: WebSocket, data: string): void => {
    const message = JSON.parse(data) as ConsoleToAgentMessage;
    if (message.type !== 'policy' || message.policy.bundle.serial < expectSerial) return;
    arrivals.push(nowMs());
    const bundle = message.policy.bundle;
    ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'policy-receipt', serial: bundle.serial, hash: canonicalHash(bundle), status: 'applied' }));
    if (arrivals.length === count) process.send?.({ latencies: arrivals } satisfies ChildReport);
  };
  if (mode === 'protocol') {
    const creds = JSON.parse(credsJson) as Array<{ agentId: string; token: string }>;
    for (let i = 0; i < creds.length; i += 100) {
      const peers = await Promise.all(creds.slice(i, i + 100).map((c) => helloAgent(url, c, null)));
      for (const peer of peers) {
        sockets.push(peer.ws);
        peer.ws.on('message', (data) => onPolicy(peer.ws, String(data)));
      }
    }
  } else {
    for (let i = 0; i < count; i++) {
      const ws = new WebSocket(url);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.on('message', (data) => onPolicy(ws, String(data)));
      sockets.push(ws);
    }
  }
  process.on('message', (msg: { serial: number }) => (expectSerial = msg.serial));
  process.send?.('ready');
}

function startChild(mode: 'protocol' | 'raw', url: string, creds: unknown, count: number): Promise<{ child: ReturnType<typeof fork>; report: Promise<ChildReport> }> {
  const child = fork(__filename, ['agents', mode, url, String(count)]);
  child.send(JSON.stringify(creds));
  return new Promise((resolve) => {
    child.once('message', () => resolve({ child, report: new Promise((r) => child.once('message', (m) => r(m as ChildReport))) }));
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

interface Run {
  p50: number;
  p99: number;
  allReceiptsMs: number;
}

async function throughConsole(count: number): Promise<Run & { bytes: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-publish-'));
  const running = await createConsole({ dataDir: dir, adminPassword: 'benchmark password 2026!', logger: createMemoryLogger(), announce: () => undefined });
  try {
    const admin = new RestClient(running.url);
    await admin.login('admin', 'benchmark password 2026!');
    const secret = (await admin.json<{ secret: string }>('POST', '/api/v1/enroll-secrets', { label: 'bench' })).body.secret;
    const creds = [];
    for (let i = 0; i < count; i += 50) creds.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => enrollAgent(running.agentUrl, secret)))));
    const { child, report } = await startChild('protocol', running.agentUrl, creds, count);
    const policies = await admin.json<{ items: Array<{ id: string; serial: number }> }>('GET', '/api/v1/policies');
    const current = policies.body.items[0];
    if (!current) throw new Error('no default policy');
    const detail = (await admin.json<PolicyDetail>('GET', `/api/v1/policies/${current.id}`)).body;
    child.send({ serial: current.serial + 1 });
    const document = { ...detail.document, mode: 'enforce', apps: { ...detail.document.apps, rules: [{ id: 'bench-rule', action: 'block', kind: 'name', value: 'bench-tool' }] } };
    const started = nowMs();
    const put = await admin.json<{ policy: { serial: number } }>('PUT', `/api/v1/policies/${current.id}`, { document });
    if (put.status !== 200) throw new Error(`publish failed: ${put.status} ${JSON.stringify(put.body)}`);
    let allReceiptsMs = Number.NaN;
    for (;;) {
      const rollout = await admin.json<{ items: Array<{ applied: number; serial: number | null }> }>('GET', '/api/v1/rollout');
      const applied = rollout.body.items.reduce((sum, g) => sum + (g.serial === put.body.policy.serial ? g.applied : 0), 0);
      if (applied >= count) {
        allReceiptsMs = nowMs() - started;
        break;
      }
      if (nowMs() - started > 120_000) throw new Error(`only ${applied}/${count} receipts after 120 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const latencies = (await report).latencies.map((t) => t - started);
    child.kill();
    const signed = (await admin.json<PolicyDetail>('GET', `/api/v1/policies/${current.id}`)).body.signed;
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), allReceiptsMs, bytes: JSON.stringify({ v: PROTOCOL_VERSION, type: 'policy', policy: signed }) };
  } finally {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rawBroadcast(count: number, bytes: string): Promise<Run> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let receipts = 0;
  let allIn: (() => void) | undefined;
  server.on('connection', (ws) => ws.on('message', () => ++receipts === count && allIn?.()));
  const { child, report } = await startChild('raw', `ws://127.0.0.1:${port}`, [], count);
  const serial = (JSON.parse(bytes) as { policy: { bundle: { serial: number } } }).policy.bundle.serial;
  child.send({ serial });
  const done = new Promise<void>((r) => (allIn = r));
  const started = nowMs();
  for (const client of server.clients) client.send(bytes);
  await done;
  const allReceiptsMs = nowMs() - started;
  const latencies = (await report).latencies.map((t) => t - started);
  child.kill();
  await new Promise((r) => server.close(r));
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), allReceiptsMs };
}

async function main(count: number): Promise<void> {
  const ours = await throughConsole(count);
  const raw = await rawBroadcast(count, ours.bytes);
  const round = (n: number): number => Number(n.toFixed(1));
  const figures = [
    { name: `console.policy_push.${count}_agents.p50`, value: round(ours.p50), unit: 'ms', baseline: round(raw.p50), ratio: round(ours.p50 / raw.p50) },
    { name: `console.policy_push.${count}_agents.p99`, value: round(ours.p99), unit: 'ms', baseline: round(raw.p99), ratio: round(ours.p99 / raw.p99) },
    { name: `console.policy_push.${count}_agents.all_receipts`, value: round(ours.allReceiptsMs), unit: 'ms', baseline: round(raw.allReceiptsMs), ratio: round(ours.allReceiptsMs / raw.allReceiptsMs) },
  ];
  for (const figure of figures) process.stdout.write(`${JSON.stringify(figure)}\n`);
}

const [role, ...rest] = process.argv.slice(2);
if (role === 'agents') {
  void runAgents(rest[0] === 'raw' ? 'raw' : 'protocol', rest[1] ?? '', Number(rest[2]));
} else {
  main(Number(role ?? 1000)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
