/**
 * PostgreSQL ingest benchmark (not a test): events per second from agents over ws into a console
 * on PostgreSQL, against a baseline measured in the same run: raw batched multi-row INSERTs of the
 * same rows (all stored columns) into the same table, one transaction per agent batch, straight
 * through node-postgres — no ws, JSON decoding, validation, group commit or roll-ups. A second
 * figure puts the same console rate against raw COPY of the same rows (one COPY per agent batch,
 * each its own transaction): the fastest way into the table, which the console's ingest also uses.
 * Prints one JSON line per figure: {"name","value","unit","baseline","ratio"}.
 *
 * Run through `npm run bench` (bench/run.mjs bundles it and ingest.ts, whose "agents" role drives
 * the simulated agents from a child process), or alone after that:
 *   node dist/bench/ingest-postgres.js [agents] [batchesPerAgent]
 * Database: DLP_BENCH_DATABASE_URL, default postgres://root@127.0.0.1:5432/test; the run uses a
 * schema of its own and drops it afterwards. DLP_INGEST_TRANSACTIONS (as for the console) sets the
 * ingest transactions in flight.
 */
import { fork } from 'node:child_process';
import { finished } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { LIMITS, sampleEvent, uuidv7, type StoredEvent } from '@dlp/shared';
import { createConsole } from '../console/server/src/app';
import { INSERT_COLUMNS, pushEventRow, rollupInput } from '../console/server/src/store/sql/event-queries';
import { copyRow, type CopyValue } from '../console/server/src/store/postgres/pg-copy-text';
import { openPostgresStore } from '../console/server/src/store/postgres/postgres-store';
import { createMemoryLogger } from '../console/server/src/testing/memory-logger';
import { RestClient } from '../console/server/src/testing/rest-client';
import { ensureEnrolled } from '../tools/simulator/enroll';
import { INGEST_WARMUP_BATCHES } from './ingest-warmup';

const DATABASE_URL = process.env.DLP_BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const BATCH = LIMITS.maxBatchEvents;
const COLUMNS = INSERT_COLUMNS;

/** The stored columns of one event, as the console builds them (group: the built-in one). */
function rowValues(e: StoredEvent): CopyValue[] {
  const row: CopyValue[] = [];
  const occurredAtMs = Date.parse(e.occurredAt);
  pushEventRow(row, e, occurredAtMs, 'default', rollupInput(e, occurredAtMs));
  return row;
}

/** The rows of `total` events of one agent, in batches of one agent message. */
function agentBatches(total: number): StoredEvent[][] {
  const agentId = uuidv7();
  const receivedAt = new Date().toISOString();
  return Array.from({ length: Math.ceil(total / BATCH) }, (_, b) =>
    Array.from({ length: BATCH }, (_, i): StoredEvent => ({ ...sampleEvent({ seq: b * BATCH + i + 1 }), agentId, receivedAt })),
  );
}

/** Events per second of `write(batch)` for every batch, each batch its own transaction, on a fresh migrated schema. */
async function rawRate(schema: string, total: number, write: (client: pg.Client, batch: StoredEvent[]) => Promise<void>): Promise<number> {
  const store = await openPostgresStore({ connectionString: DATABASE_URL, schema, maxConnections: 1, nodeId: 'bench-baseline' });
  await store.close();
  const client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const batches = agentBatches(total + INGEST_WARMUP_BATCHES * BATCH);
    for (const batch of batches.splice(0, INGEST_WARMUP_BATCHES)) {
      await client.query('BEGIN');
      await write(client, batch);
      await client.query('COMMIT');
    }
    const started = process.hrtime.bigint();
    for (const batch of batches) {
      await client.query('BEGIN');
      await write(client, batch);
      await client.query('COMMIT');
    }
    return (batches.length * BATCH) / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    await client.end();
  }
}

const tuple = (r: number): string => `(${COLUMNS.map((_, c) => `$${r * COLUMNS.length + c + 1}`).join(', ')})`;
const INSERT_BATCH = `INSERT INTO events (${COLUMNS.join(', ')}) VALUES ${Array.from({ length: BATCH }, (_, r) => tuple(r)).join(', ')} ON CONFLICT (agent_id, seq) DO NOTHING`;

/** Raw batched inserts: one multi-row INSERT … ON CONFLICT DO NOTHING per batch. */
async function insertBatch(client: pg.Client, batch: StoredEvent[]): Promise<void> {
  await client.query(INSERT_BATCH, batch.flatMap(rowValues));
}

/** Raw COPY: the batch's rows in COPY text (no duplicate handling: every row is new). */
async function copyBatch(client: pg.Client, batch: StoredEvent[]): Promise<void> {
  const stream = client.query(copyFrom(`COPY events (${COLUMNS.join(', ')}) FROM STDIN`));
  stream.end(Buffer.from(batch.map((e) => copyRow(rowValues(e))).join(''), 'utf8'));
  await finished(stream);
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
}

async function main(agents: number, batches: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-ingest-pg-'));
  const schema = `dlp_bench_${randomBytes(5).toString('hex')}`;
  const baselineSchema = `${schema}_raw`;
  const copySchema = `${schema}_copy`;
  const ingestTransactions = process.env.DLP_INGEST_TRANSACTIONS;
  const running = await createConsole({
    dataDir: dir,
    adminPassword: 'benchmark password',
    logger: createMemoryLogger(),
    announce: () => undefined,
    databaseUrl: DATABASE_URL,
    databaseSchema: schema,
    nodeId: 'bench',
    ...(ingestTransactions !== undefined ? { ingestTransactions: Number(ingestTransactions) } : {}),
  });
  try {
    const admin = new RestClient(running.url);
    await admin.login('admin', 'benchmark password');
    // Enrollment is rate limited per secret (default 60 a minute): this one is for a bench fleet.
    const { body } = await admin.json<{ secret: string }>('POST', '/api/v1/enroll-secrets', { label: 'bench', ratePerMinute: 100_000 });
    const creds = await ensureEnrolled({ url: running.agentUrl, count: agents, secret: body.secret, dir: path.join(dir, 'sim'), tlsInsecure: false });
    // The simulated agents are ingest.ts's "agents" role, in a child process of their own.
    const child = fork(path.join(__dirname, 'ingest.js'), ['agents', running.agentUrl, JSON.stringify(creds), String(batches)]);
    await new Promise((resolve) => child.once('message', resolve));
    const started = process.hrtime.bigint();
    child.send('go');
    await new Promise((resolve) => child.once('message', resolve));
    const rate = (agents * batches * BATCH) / (Number(process.hrtime.bigint() - started) / 1e9);
    const total = agents * batches * BATCH;
    const raw = await rawRate(baselineSchema, total, insertBatch);
    const rawCopy = await rawRate(copySchema, total, copyBatch);
    const figure = (name: string, baseline: number): string =>
      `${JSON.stringify({ name, value: Math.round(rate), unit: 'events/s', baseline: Math.round(baseline), ratio: Number((rate / baseline).toFixed(3)) })}\n`;
    process.stdout.write(figure('console.ingest.ws_to_postgres', raw) + figure('console.ingest.ws_to_postgres_vs_raw_copy', rawCopy));
  } finally {
    await running.close();
    await Promise.allSettled([dropSchema(schema), dropSchema(baselineSchema), dropSchema(copySchema)]);
    rmSync(dir, { recursive: true, force: true });
  }
}

const [agentsArg, batchesArg] = process.argv.slice(2);
main(Number(agentsArg ?? 8), Number(batchesArg ?? 25)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
