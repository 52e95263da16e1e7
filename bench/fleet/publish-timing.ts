/**
 * The two halves of a policy-push measurement, shared by bench/policy-publish.ts (1,000 agents,
 * console in-process) and bench/connections.ts (10,000 agents, console in its own process):
 * publish a new policy version through the REST API and time its arrival at every agent, and the
 * baseline — a bare ws server broadcasting the same bytes to as many bare clients.
 */
import { WebSocketServer } from 'ws';
import { PROTOCOL_VERSION, type PolicyDetail } from '@dlp/shared';
import type { RestClient } from '../../console/server/src/testing/rest-client';
import { nowMs, percentile, type PushAgents } from './push-agents';

export interface PushRun {
  p50: number;
  p99: number;
  /** From publish until the console (or raw server) holds every receipt. */
  allReceiptsMs: number;
}

/** Publishes a new version of the first policy and times it to every agent and every receipt. */
export async function publishAndTime(admin: RestClient, agents: PushAgents, count: number, timeoutMs = 300_000): Promise<PushRun & { bytes: string }> {
  const policies = await admin.json<{ items: Array<{ id: string; serial: number }> }>('GET', '/api/v1/policies');
  const current = policies.body.items[0];
  if (!current) throw new Error('no default policy');
  const detail = (await admin.json<PolicyDetail>('GET', `/api/v1/policies/${current.id}`)).body;
  const arrivals = agents.expect(current.serial + 1);
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
    if (nowMs() - started > timeoutMs) throw new Error(`only ${applied}/${count} receipts after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const latencies = (await arrivals).map((t) => t - started);
  const signed = (await admin.json<PolicyDetail>('GET', `/api/v1/policies/${current.id}`)).body.signed;
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), allReceiptsMs, bytes: JSON.stringify({ v: PROTOCOL_VERSION, type: 'policy', policy: signed }) };
}

/**
 * Baseline: a bare `ws` server in this process sends `bytes` to `count` bare clients (started by
 * `startClients`, in a child) that answer with the same receipt. Also reports this process's RSS
 * while it holds the connections (a plain Node process with a bare ws server and nothing else).
 */
export async function rawBroadcast(count: number, bytes: string, startClients: (url: string) => Promise<PushAgents>): Promise<PushRun & { rssBytes: number }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: true });
  await new Promise((r) => server.once('listening', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let receipts = 0;
  let allIn: (() => void) | undefined;
  server.on('connection', (ws) => ws.on('message', () => ++receipts === count && allIn?.()));
  const clients = await startClients(`ws://127.0.0.1:${port}`);
  try {
    global.gc?.();
    const rssBytes = process.memoryUsage.rss();
    const serial = (JSON.parse(bytes) as { policy: { bundle: { serial: number } } }).policy.bundle.serial;
    const arrivals = clients.expect(serial);
    const done = new Promise<void>((r) => (allIn = r));
    const started = nowMs();
    for (const client of server.clients) client.send(bytes);
    await done;
    const allReceiptsMs = nowMs() - started;
    const latencies = (await arrivals).map((t) => t - started);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), allReceiptsMs, rssBytes };
  } finally {
    clients.child.kill();
    for (const client of server.clients) client.terminate();
    await new Promise((r) => server.close(r));
  }
}
