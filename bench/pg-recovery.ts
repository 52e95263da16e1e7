/**
 * PostgreSQL restart benchmark (not a test): agents ingest into a console on a private PostgreSQL
 * server, which is stopped with `pg_ctl stop -m immediate` (a crash, as a failover looks to the
 * console) and started again. Measured per round, from the moment the server accepts connections
 * again (`pg_ctl start -w` returned): the first ack any agent gets, and the moment every agent has
 * had one. Baseline, in the same instant: a fresh node-postgres connect + `SELECT 1` (the least any
 * recovery can take). Agents retry every 100 ms, so the figure is the console's recovery, not an
 * agent's back-off. After the rounds, every agent's events are counted in the table: lost (acked,
 * not stored) and duplicated (one (agent, seq) stored twice) must both be 0.
 * Prints one JSON line per figure: {"name","value","unit","baseline","ratio"} (medians of the rounds).
 *
 * Needs root (the server runs as the `postgres` OS user) and PostgreSQL 15's programs in
 * /usr/lib/postgresql/15/bin (DLP_PG_BIN overrides). Run through `node bench/run.mjs pg-recovery`,
 * or after that: node dist/bench/pg-recovery.js [agents] [rounds]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createConsole } from '../console/server/src/app';
import { enrollAgent } from '../console/server/src/testing/agent-peer';
import { createMemoryLogger } from '../console/server/src/testing/memory-logger';
import { RestClient } from '../console/server/src/testing/rest-client';
import { waitFor } from '../console/server/src/testing/wait-for';
import { OutboxAgent } from '../test/fault/harness/outbox-agent';
import { PrivatePostgres } from '../test/fault/harness/private-postgres';

const AGENTS = Number(process.argv[2] ?? 20);
const ROUNDS = Number(process.argv[3] ?? 5);
const ADMIN_PASSWORD = 'pg recovery bench password 2026';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** ms for a fresh connection to answer `SELECT 1`. */
async function freshConnectMs(url: string): Promise<number> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('SELECT 1');
  const ms = performance.now() - started;
  await client.end();
  return ms;
}

function figure(name: string, value: number, unit: string, baseline: number | null): void {
  console.log(JSON.stringify({ name, value: Math.round(value * 10) / 10, unit, baseline: baseline === null ? null : Math.round(baseline * 10) / 10, ratio: baseline ? Math.round((value / baseline) * 100) / 100 : null }));
}

async function main(): Promise<void> {
  const server = await PrivatePostgres.start();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-pg-recovery-'));
  const running = await createConsole({ dataDir, port: 0, adminPassword: ADMIN_PASSWORD, logger: createMemoryLogger(), announce: () => undefined, databaseUrl: server.url, databaseSchema: 'bench' });
  const agents: OutboxAgent[] = [];
  try {
    const admin = new RestClient(running.url);
    await admin.login('admin', ADMIN_PASSWORD);
    // Enrollment is rate limited per secret (default 60 a minute): this one is for a bench fleet.
    const secret = (await admin.json<{ secret: string }>('POST', '/api/v1/enroll-secrets', { label: 'bench', ratePerMinute: 100_000 })).body.secret;
    for (let i = 0; i < AGENTS; i++) {
      agents.push(new OutboxAgent({ agentUrl: running.agentUrl, creds: await enrollAgent(running.agentUrl, secret), batch: 20, retryMs: 100 }));
    }
    for (const agent of agents) agent.start();
    const firstAck: number[] = [];
    const allAcking: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Every agent ingests a while (10 more batches) before each fault.
      const acksBefore = agents.map((a) => a.ackTimes.length);
      await waitFor('ingest under way', () => agents.every((a, i) => a.ackTimes.length >= (acksBefore[i] ?? 0) + 10), 60_000);
      const lostBefore = agents.map((a) => a.connectionsLost);
      await server.stop('immediate');
      await waitFor('every agent cut off', () => agents.every((a, i) => a.connectionsLost > (lostBefore[i] ?? 0)), 60_000);
      await server.startServer();
      const back = Date.now();
      const connect = freshConnectMs(server.url);
      await waitFor('every agent acked again', () => agents.every((a) => a.ackTimes.some((at) => at >= back)), 120_000);
      const firsts = agents.map((a) => (a.ackTimes.find((at) => at >= back) ?? back) - back);
      firstAck.push(Math.min(...firsts));
      allAcking.push(Math.max(...firsts));
      baseline.push(await connect);
    }
    let allDone = false;
    void Promise.all(agents.map((a) => a.finished)).then(() => (allDone = true));
    for (const agent of agents) agent.finish();
    await waitFor('all events acked', () => allDone, 120_000);
    const rows = await server.query<{ agent_id: string; n: string; seqs: string }>('SELECT agent_id, count(*) AS n, count(DISTINCT seq) AS seqs FROM bench.events GROUP BY agent_id');
    const stored = new Map(rows.map((r) => [r.agent_id, { n: Number(r.n), seqs: Number(r.seqs) }]));
    let lost = 0;
    let duplicated = 0;
    let events = 0;
    for (const agent of agents) {
      const s = stored.get(agent.agentId) ?? { n: 0, seqs: 0 };
      events += agent.producedCount;
      lost += agent.producedCount - s.seqs;
      duplicated += s.n - s.seqs;
    }
    figure('console.pg_restart.first_ack', median(firstAck), 'ms', median(baseline));
    figure('console.pg_restart.all_agents_acking', median(allAcking), 'ms', median(baseline));
    figure('console.pg_restart.lost_events', lost, `events of ${events}`, null);
    figure('console.pg_restart.duplicated_events', duplicated, `events of ${events}`, null);
    console.error(JSON.stringify({ rounds: ROUNDS, agents: AGENTS, firstAckMs: firstAck.map(Math.round), allAgentsAckingMs: allAcking.map(Math.round), freshConnectMs: baseline.map((b) => Math.round(b * 10) / 10) }));
  } finally {
    for (const agent of agents) agent.stop();
    await running.close();
    await server.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
