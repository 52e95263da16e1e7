/**
 * Connections benchmark (issue 5, not a test): N simulated agents (10,000 by default) connected to
 * one console node over the real protocol, heartbeating, in a separate process. Figures: the
 * console process's resident memory with every agent connected (target ≤ 1 GB) and its peak, the
 * time to connect them all, and a policy push to all of them (p50, p99 — target ≤ 1 s — and until
 * every receipt is stored). Baselines in the same run: a bare `ws` server process holding as many
 * bare clients (its RSS, their connect time) broadcasting the same policy bytes.
 * The console runs as its own process from the build (`npm run build` first):
 *   node --expose-gc dist/bench/connections.js [agents] [settleSeconds] [heartbeatSeconds]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { RestClient } from '../console/server/src/testing/rest-client';
import { ensureEnrolled } from '../tools/simulator/enroll';
import { publishAndTime, rawBroadcast } from './fleet/publish-timing';
import { nowMs, runPushAgentsChild, startPushAgents } from './fleet/push-agents';

const PASSWORD = 'benchmark password 2026!';

/** `VmRSS` or `VmHWM` (peak) of a process, in bytes. */
function procMemory(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? Number.NaN) * 1024;
}

/** Soft limit on open files: every connection is a descriptor in the console and in the agents child. */
function openFileLimit(): number {
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return match?.[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match?.[1] ?? 1024);
}

/** Starts dist/console/server.js on a free port; resolves with its URL once it listens. */
async function startConsoleProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const entry = path.join(__dirname, '../console/server.js');
  // /metrics is scraped from loopback without credentials (--metrics-allow), as Prometheus would be.
  const child = spawn(process.execPath, [entry, '--data-dir', dataDir, '--port', '0', '--metrics-allow', '127.0.0.1'], {
    env: { ...process.env, DLP_ADMIN_PASSWORD: PASSWORD },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`console exited with ${code} (built? run npm run build)`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const match = /^DLP_CONSOLE_LISTENING url=(\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
  });
  return { child, url };
}

async function scrape(url: string, series: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return Number(line?.slice(series.length + 1) ?? Number.NaN);
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const log = (line: string): void => void process.stderr.write(`connections: ${line}\n`);

async function main(count: number, settleS: number, heartbeatS: number): Promise<void> {
  if (openFileLimit() < count + 1000) throw new Error(`open file limit ${openFileLimit()} is below ${count + 1000}: run with ulimit -n 65536`);
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-connections-'));
  const consoleProcess = await startConsoleProcess(path.join(dir, 'console'));
  const { url } = consoleProcess;
  const agentUrl = `${url.replace(/^http/, 'ws')}/agent`;
  const pid = consoleProcess.child.pid ?? 0;
  try {
    const admin = new RestClient(url);
    await admin.login('admin', PASSWORD);
    // Enrollment is rate limited per secret (default 60 a minute): this one is for a bench fleet.
    const secret = (await admin.json<{ secret: string }>('POST', '/api/v1/enroll-secrets', { label: 'bench', ratePerMinute: 100_000 })).body.secret;
    const creds = await ensureEnrolled({ url: agentUrl, count, secret, dir: path.join(dir, 'sim'), tlsInsecure: false, progress: (n) => n % 2000 === 0 && log(`enrolled ${n}`) });
    const rssIdle = procMemory(pid, 'VmRSS');

    const connectStarted = nowMs();
    const agents = await startPushAgents(__filename, 'agents', { mode: 'protocol', url: agentUrl, count, creds, heartbeatMs: heartbeatS * 1000 });
    await waitUntil('every agent connected', async () => (await scrape(url, 'dlp_agents_connected')) >= count, 120_000);
    const connectMs = nowMs() - connectStarted;
    log(`${count} agents connected in ${(connectMs / 1000).toFixed(1)} s; heartbeating every ${heartbeatS} s, settling ${settleS} s`);
    await new Promise((r) => setTimeout(r, settleS * 1000));
    const rssConnected = procMemory(pid, 'VmRSS');
    const push = await publishAndTime(admin, agents, count);
    const rssPeak = procMemory(pid, 'VmHWM');
    const stillConnected = await scrape(url, 'dlp_agents_connected');
    agents.child.kill();
    log(`console RSS idle ${(rssIdle / 2 ** 20).toFixed(0)} MiB, connected ${(rssConnected / 2 ** 20).toFixed(0)} MiB, peak ${(rssPeak / 2 ** 20).toFixed(0)} MiB; ${stillConnected} still connected after the push`);
    consoleProcess.child.kill('SIGTERM');
    await new Promise((r) => consoleProcess.child.once('exit', r));

    let rawConnectMs = Number.NaN;
    const raw = await rawBroadcast(count, push.bytes, async (rawUrl) => {
      const started = nowMs();
      const clients = await startPushAgents(__filename, 'agents', { mode: 'raw', url: rawUrl, count, creds: [], heartbeatMs: heartbeatS * 1000 });
      rawConnectMs = nowMs() - started;
      return clients;
    });
    const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
    const mib = (bytes: number): number => round(bytes / 2 ** 20, 0);
    const figures = [
      { name: `console.connections.${count}_agents.rss`, value: mib(rssConnected), unit: 'MiB', baseline: mib(raw.rssBytes), ratio: round(rssConnected / raw.rssBytes, 2) },
      { name: `console.connections.${count}_agents.rss_peak`, value: mib(rssPeak), unit: 'MiB', baseline: mib(raw.rssBytes), ratio: round(rssPeak / raw.rssBytes, 2) },
      { name: `console.connections.${count}_agents.connect_all`, value: round(connectMs / 1000), unit: 's', baseline: round(rawConnectMs / 1000), ratio: round(connectMs / rawConnectMs) },
      { name: `console.policy_push.${count}_agents.p50`, value: round(push.p50), unit: 'ms', baseline: round(raw.p50), ratio: round(push.p50 / raw.p50) },
      { name: `console.policy_push.${count}_agents.p99`, value: round(push.p99), unit: 'ms', baseline: round(raw.p99), ratio: round(push.p99 / raw.p99) },
      { name: `console.policy_push.${count}_agents.all_receipts`, value: round(push.allReceiptsMs), unit: 'ms', baseline: round(raw.allReceiptsMs), ratio: round(push.allReceiptsMs / raw.allReceiptsMs) },
    ];
    for (const figure of figures) process.stdout.write(`${JSON.stringify(figure)}\n`);
  } finally {
    if (consoleProcess.child.exitCode === null) consoleProcess.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const [role, ...rest] = process.argv.slice(2);
if (role === 'agents') {
  runPushAgentsChild();
} else {
  main(Number(role ?? 10_000), Number(rest[0] ?? 35), Number(rest[1] ?? 30)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
