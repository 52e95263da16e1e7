/**
 * Alerts benchmark (not a test). Two figures, each against a baseline from the same run:
 * - ingest rate with alert rules evaluating every event (a per-host threshold, a content rule) and
 *   their destinations down (one webhook accepts and never answers, one port is closed), against
 *   the same ingest with no rules: what alerting costs the ingest path;
 * - how long after an agent's batch a signed webhook delivery arrives, against how long the
 *   batch's ack takes (the alert is evaluated and sent after the commit, off the ack path).
 * Run through `npm run bench` (bench/run.mjs bundles it to dist/bench/alerts.js), or alone:
 *   node dist/bench/alerts.js [agents] [batchesPerAgent] [alertSamples]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LIMITS, PROTOCOL_VERSION, sampleEvent } from '@dlp/shared';
import { createConsole, type RunningConsole } from '../console/server/src/app';
import { enrollAgent, helloAgent, type AgentPeer } from '../console/server/src/testing/agent-peer';
import { createMemoryLogger } from '../console/server/src/testing/memory-logger';
import { RestClient } from '../console/server/src/testing/rest-client';

const BATCH = LIMITS.maxBatchEvents;
const PASSWORD = 'benchmark password';

interface Console {
  running: RunningConsole;
  admin: RestClient;
  peers: AgentPeer[];
  dir: string;
}

async function startConsole(agents: number): Promise<Console> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-alerts-'));
  const running = await createConsole({ dataDir: dir, adminPassword: PASSWORD, logger: createMemoryLogger(), announce: () => undefined });
  const admin = new RestClient(running.url);
  await admin.login('admin', PASSWORD);
  // Enrollment is rate limited per secret (default 60 a minute): this one is for a bench fleet.
  const { body } = await admin.json<{ secret: string }>('POST', '/api/v1/enroll-secrets', { label: 'bench', ratePerMinute: 100_000 });
  const peers: AgentPeer[] = [];
  for (let i = 0; i < agents; i++) {
    const creds = await enrollAgent(running.agentUrl, body.secret, { hostname: `ws-bench-${i}`, os: 'linux', osVersion: '12', agentVersion: '0.1.0', user: `user${i}` });
    peers.push(await helloAgent(running.agentUrl, creds, 1));
  }
  return { running, admin, peers, dir };
}

async function stopConsole(c: Console): Promise<void> {
  for (const peer of c.peers) peer.close();
  await c.running.close();
  rmSync(c.dir, { recursive: true, force: true });
}

/** Every agent sends batches [first, first + batches) of blocked and content events, one at a time; returns events/s. */
async function ingest(c: Console, batches: number, first = 0): Promise<number> {
  const started = process.hrtime.bigint();
  await Promise.all(
    c.peers.map(async (peer) => {
      for (let b = first; b < first + batches; b++) {
        const events = Array.from({ length: BATCH }, (_, i) =>
          sampleEvent({ seq: b * BATCH + i + 1, ...(i % 50 === 0 ? { type: 'content', subject: { kind: 'file', path: '/media/usb/a.csv', matches: { mobile: 3 }, samples: [] } } : {}) }),
        );
        peer.send({ v: PROTOCOL_VERSION, type: 'events', events });
        await peer.next('ack', b - first, 120_000);
      }
    }),
  );
  return (c.peers.length * batches * BATCH) / (Number(process.hrtime.bigint() - started) / 1e9);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function main(agents: number, batches: number, samples: number): Promise<void> {
  const round = (n: number, digits: number): number => Number(n.toFixed(digits));

  // Each console first gets a round that is not counted (JIT, page cache, first alerts claimed).
  const warmup = Math.max(2, Math.floor(batches / 4));
  const measure = async (c: Console): Promise<number> => {
    await ingest(c, warmup);
    for (const peer of c.peers) peer.received.length = 0;
    return ingest(c, batches, warmup);
  };

  // Baseline: no rules.
  const plain = await startConsole(agents);
  const baselineRate = await measure(plain).finally(() => stopConsole(plain));

  // Rules on every event, destinations down.
  const held: Socket[] = [];
  const hanging = createNetServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  const closed = createNetServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const loaded = await startConsole(agents);
  let rate = 0;
  try {
    const ids: string[] = [];
    for (const url of [`http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`, `http://127.0.0.1:${closedPort}/`]) {
      ids.push((await loaded.admin.json<{ destination: { id: string } }>('POST', '/api/v1/alerts/destinations', { name: url, config: { kind: 'webhook', url } })).body.destination.id);
    }
    await loaded.admin.json('POST', '/api/v1/alerts/rules', { name: 'burst', params: { kind: 'threshold', count: 1000, windowMinutes: 5 }, destinationIds: ids });
    await loaded.admin.json('POST', '/api/v1/alerts/rules', { name: 'pii', params: { kind: 'content' }, destinationIds: ids });
    rate = await measure(loaded);
  } finally {
    await stopConsole(loaded);
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => hanging.close(resolve));
  }
  process.stdout.write(
    `${JSON.stringify({ name: 'console.alerts.ingest_with_rules_and_dead_destinations', value: Math.round(rate), unit: 'events/s', baseline: Math.round(baselineRate), ratio: round(rate / baselineRate, 3) })}\n`,
  );

  // Latency: a content rule with cooldown 1 min and one agent per sample, so each sample fires once.
  let resolveDelivery: (() => void) | null = null;
  const receiver = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(204).end();
      resolveDelivery?.();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const timed = await startConsole(samples);
  const ackMs: number[] = [];
  const alertMs: number[] = [];
  try {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    const id = (await timed.admin.json<{ destination: { id: string } }>('POST', '/api/v1/alerts/destinations', { name: 'receiver', config: { kind: 'webhook', url }, rateLimit: { perMinute: 6000, burst: 1000 } })).body.destination.id;
    await timed.admin.json('POST', '/api/v1/alerts/rules', { name: 'pii', params: { kind: 'content' }, destinationIds: [id] });
    for (const peer of timed.peers) {
      const delivered = new Promise<void>((resolve) => (resolveDelivery = resolve));
      const started = process.hrtime.bigint();
      peer.send({ v: PROTOCOL_VERSION, type: 'events', events: [sampleEvent({ seq: 1, type: 'content', subject: { kind: 'file', path: '/media/usb/a.csv', matches: { mobile: 3 }, samples: [] } })] });
      await peer.next('ack');
      ackMs.push(Number(process.hrtime.bigint() - started) / 1e6);
      await delivered;
      alertMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } finally {
    await stopConsole(timed);
    await new Promise((resolve) => receiver.close(resolve));
  }
  const alertP50 = median(alertMs);
  const ackP50 = median(ackMs);
  process.stdout.write(`${JSON.stringify({ name: 'console.alerts.webhook_delivery_p50', value: round(alertP50, 2), unit: 'ms', baseline: round(ackP50, 2), ratio: round(alertP50 / ackP50, 3) })}\n`);
}

const [agents, batches, samples] = process.argv.slice(2).map(Number);
main(agents || 8, batches || 20, samples || 20).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
