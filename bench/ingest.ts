/**
 * Ingest benchmark (not a test): events per second from agents over ws into SQLite, against a
 * baseline measured in the same run — the raw multi-row insert rate of the same events into the
 * same schema, with no ws, JSON decoding or validation. Prints one JSON line per figure:
 * {"name","value","unit","baseline","ratio"}.
 *
 * Run through `npm run bench` (bench/run.mjs bundles it to dist/bench/ingest.js), or alone:
 *   node dist/bench/ingest.js [agents] [batchesPerAgent]
 * The simulated agents run in a child process so the console's CPU is measured alone.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LIMITS, PROTOCOL_VERSION, sampleEvent, uuidv7, type StoredEvent } from '@dlp/shared';
import { createConsole } from '../console/server/src/app';
import { openSqliteStore } from '../console/server/src/store/sqlite/sqlite-store';
import { helloAgent, type AgentPeer } from '../console/server/src/testing/agent-peer';
import { createMemoryLogger } from '../console/server/src/testing/memory-logger';
import { RestClient } from '../console/server/src/testing/rest-client';
import { ensureEnrolled } from '../tools/simulator/enroll';
import { INGEST_WARMUP_BATCHES } from './ingest-warmup';

const BATCH = LIMITS.maxBatchEvents;
/** Batches an agent may have sent but not yet had acked: the real agent's window. */
const WINDOW = LIMITS.agentInFlightBatches;

interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
}

/**
 * Each batch's text frame, UTF-8-encoded once before the clock starts: the agents stand in for
 * machines of their own, so their share of this machine's two cores is kept to sending.
 */
function frames(batches: number): Buffer[] {
  return Array.from({ length: batches }, (_, b) =>
    Buffer.from(JSON.stringify({ v: PROTOCOL_VERSION, type: 'events', events: Array.from({ length: BATCH }, (_, i) => sampleEvent({ seq: b * BATCH + i + 1 })) })),
  );
}

/** Sends batches [from, to) of one agent, at most WINDOW unacked, and waits for the last ack. */
async function sendBatches(peer: AgentPeer, batches: Buffer[], from: number, to: number): Promise<void> {
  let sent = from;
  for (let acked = from; acked < to; acked++) {
    while (sent < to && sent - acked < WINDOW) peer.sendTextBytes(batches[sent++] ?? Buffer.alloc(0));
    await peer.next('ack', acked, 120_000);
  }
}

/** Child process: the agents. Sends the warm-up batches, reports "ready", waits for "go", sends the rest, reports "done". */
async function runAgents(agentUrl: string, credsJson: string, batches: number): Promise<void> {
  const creds = JSON.parse(credsJson) as Array<{ agentId: string; token: string }>;
  const peers = await Promise.all(creds.map((c) => helloAgent(agentUrl, c, 1)));
  const total = INGEST_WARMUP_BATCHES + batches;
  const payload = peers.map(() => frames(total));
  await Promise.all(peers.map((peer, a) => sendBatches(peer, payload[a] ?? [], 0, INGEST_WARMUP_BATCHES)));
  process.send?.('ready');
  await new Promise((resolve) => process.once('message', resolve));
  await Promise.all(peers.map((peer, a) => sendBatches(peer, payload[a] ?? [], INGEST_WARMUP_BATCHES, total)));
  process.send?.('done');
  for (const peer of peers) peer.close();
  process.exit(0);
}

/** Raw SQLite: the same rows through the store, one transaction per batch, synchronous=FULL (after the same warm-up). */
async function baseline(total: number): Promise<{ rate: number; cpuUsPerEvent: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-ingest-'));
  const store = await openSqliteStore({ path: path.join(dir, 'console.sqlite') });
  try {
    const agentId = uuidv7();
    const receivedAt = new Date().toISOString();
    const batches: StoredEvent[][] = Array.from({ length: INGEST_WARMUP_BATCHES + Math.ceil(total / BATCH) }, (_, b) =>
      Array.from({ length: BATCH }, (_, i) => ({ ...sampleEvent({ seq: b * BATCH + i + 1 }), agentId, receivedAt })),
    );
    for (const batch of batches.splice(0, INGEST_WARMUP_BATCHES)) await store.transaction((tx) => tx.events.insertEvents(batch));
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    for (const batch of batches) await store.transaction((tx) => tx.events.insertEvents(batch));
    const cpu = process.cpuUsage(cpuBefore);
    const events = batches.length * BATCH;
    return { rate: events / (Number(process.hrtime.bigint() - started) / 1e9), cpuUsPerEvent: (cpu.user + cpu.system) / events };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(agents: number, batches: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-ingest-'));
  const running = await createConsole({ dataDir: dir, adminPassword: 'benchmark password', logger: createMemoryLogger(), announce: () => undefined });
  try {
    const admin = new RestClient(running.url);
    await admin.login('admin', 'benchmark password');
    // Enrollment is rate limited per secret (default 60 a minute): this one is for a bench fleet.
    const { body } = await admin.json<{ secret: string }>('POST', '/api/v1/enroll-secrets', { label: 'bench', ratePerMinute: 100_000 });
    const creds = await ensureEnrolled({ url: running.agentUrl, count: agents, secret: body.secret, dir: path.join(dir, 'sim'), tlsInsecure: false });
    const child = fork(__filename, ['agents', running.agentUrl, JSON.stringify(creds), String(batches)]);
    await new Promise((resolve) => child.once('message', resolve));
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    child.send('go');
    await new Promise((resolve) => child.once('message', resolve));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const total = agents * batches * BATCH;
    const rate = total / seconds;
    const cpuUsPerEvent = (cpu.user + cpu.system) / total;
    const raw = await baseline(total);
    const round = (n: number, digits: number): number => Number(n.toFixed(digits));
    const figures: Figure[] = [
      { name: 'console.ingest.ws_to_sqlite', value: Math.round(rate), unit: 'events/s', baseline: Math.round(raw.rate), ratio: round(rate / raw.rate, 3) },
      // CPU of the console process per event, all threads (ws, JSON, validation, SQLite, fsync).
      { name: 'console.ingest.cpu_per_event', value: round(cpuUsPerEvent, 1), unit: 'us', baseline: round(raw.cpuUsPerEvent, 1), ratio: round(cpuUsPerEvent / raw.cpuUsPerEvent, 3) },
    ];
    for (const figure of figures) process.stdout.write(`${JSON.stringify(figure)}\n`);
  } finally {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const [role, ...rest] = process.argv.slice(2);
if (role === 'agents') {
  void runAgents(rest[0] ?? '', rest[1] ?? '[]', Number(rest[2]));
} else {
  main(Number(role ?? 4), Number(rest[0] ?? 40)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
