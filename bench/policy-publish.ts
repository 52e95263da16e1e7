/**
 * Policy publish benchmark (issue 4, not a test): an admin publishes a new policy version while N
 * simulated agents are connected over the real protocol. Figures: per-agent latency from publish to
 * policy arrival (p50, p99) and time until the console holds every apply receipt, each against a raw
 * ws broadcast of the same bytes to N bare clients that reply with the same receipt, in the same run.
 * Agents run in a child process so the console's event loop is not shared with them. The console
 * runs in this process; bench/connections.ts runs the same measurement against a console process
 * with 10,000 agents.
 *   node dist/bench/policy-publish.js [agents]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConsole } from '../console/server/src/app';
import { createMemoryLogger } from '../console/server/src/testing/memory-logger';
import { RestClient } from '../console/server/src/testing/rest-client';
import { ensureEnrolled } from '../tools/simulator/enroll';
import { publishAndTime, rawBroadcast, type PushRun } from './fleet/publish-timing';
import { runPushAgentsChild, startPushAgents } from './fleet/push-agents';

const PASSWORD = 'benchmark password 2026!';
/** Heartbeats off the measured window: this bench times the push alone (connections.ts adds them). */
const HEARTBEAT_MS = 3_600_000;

async function throughConsole(count: number): Promise<PushRun & { bytes: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-publish-'));
  const running = await createConsole({ dataDir: dir, adminPassword: PASSWORD, logger: createMemoryLogger(), announce: () => undefined });
  try {
    const admin = new RestClient(running.url);
    await admin.login('admin', PASSWORD);
    // Enrollment is rate limited per secret (default 60 a minute): this one is for a bench fleet.
    const secret = (await admin.json<{ secret: string }>('POST', '/api/v1/enroll-secrets', { label: 'bench', ratePerMinute: 100_000 })).body.secret;
    const creds = await ensureEnrolled({ url: running.agentUrl, count, secret, dir: path.join(dir, 'sim'), tlsInsecure: false });
    const agents = await startPushAgents(__filename, 'agents', { mode: 'protocol', url: running.agentUrl, count, creds, heartbeatMs: HEARTBEAT_MS });
    // A push timed against agents still reconnecting would measure their back-off, not the push.
    if (agents.connected !== count) throw new Error(`only ${agents.connected} of ${count} agents connected before the publish`);
    try {
      return await publishAndTime(admin, agents, count);
    } finally {
      agents.child.kill();
    }
  } finally {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(count: number): Promise<void> {
  const ours = await throughConsole(count);
  const raw = await rawBroadcast(count, ours.bytes, (url) => startPushAgents(__filename, 'agents', { mode: 'raw', url, count, creds: [], heartbeatMs: HEARTBEAT_MS }));
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
  runPushAgentsChild();
} else {
  main(Number(role ?? rest[0] ?? 1000)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
