import { PROTOCOL_VERSION, sampleEvent } from '@dlp/shared';
import pg from 'pg';
import { PgClusterBus } from '../../console/server/src/cluster/pg-cluster-bus';
import type { ClusterMessage } from '../../console/server/src/cluster/cluster-bus';
import { createMemoryLogger } from '../../console/server/src/testing/memory-logger';
import { enrollAgent, helloAgent } from '../../console/server/src/testing/agent-peer';
import { createEnrollSecret, startTestConsole, type TestConsole } from '../../console/server/src/testing/test-console';
import { waitFor } from '../../console/server/src/testing/wait-for';
import { OutboxAgent } from './harness/outbox-agent';
import { PrivatePostgres } from './harness/private-postgres';

// Issue 13 item 2: the console on a PostgreSQL server that the test stops, restarts and cuts (a
// private instance; the shared one on 5432 is never touched). The console runs in this process:
// a connection error nobody listens to is an uncaught exception, which fails the test.

const AGENTS = 20;

interface ReadyReply {
  status: number;
  checks: Record<string, string>;
}

async function readyz(t: TestConsole): Promise<ReadyReply> {
  const res = await fetch(`${t.console.url}/readyz`);
  const body = (await res.json()) as { checks: Record<string, string> };
  return { status: res.status, checks: body.checks };
}

async function healthz(t: TestConsole): Promise<number> {
  return (await fetch(`${t.console.url}/healthz`)).status;
}

/** Enrolls `n` agents with one enroll secret. */
async function enrollFleet(t: TestConsole, n: number): Promise<Array<{ agentId: string; token: string }>> {
  const secret = await createEnrollSecret(t.admin);
  const creds: Array<{ agentId: string; token: string }> = [];
  for (let i = 0; i < n; i++) creds.push(await enrollAgent(t.console.agentUrl, secret));
  return creds;
}

/** Per agent: rows stored, distinct seqs, highest seq (straight from the table, not the API). */
async function storedPerAgent(server: PrivatePostgres, schema: string): Promise<Map<string, { rows: number; seqs: number; maxSeq: number }>> {
  const rows = await server.query<{ agent_id: string; rows: string; seqs: string; max_seq: string }>(
    `SELECT agent_id, count(*) AS rows, count(DISTINCT seq) AS seqs, max(seq) AS max_seq FROM ${schema}.events GROUP BY agent_id`,
  );
  return new Map(rows.map((r) => [r.agent_id, { rows: Number(r.rows), seqs: Number(r.seqs), maxSeq: Number(r.max_seq) }]));
}

/**
 * Lets every agent finish what it made, then checks exactly-once: each agent's events 1…n are all
 * stored, once each, and all acked. Agents never resend what was acked to them, so an ack whose
 * commit was lost would show here as a missing seq.
 */
async function expectExactlyOnce(server: PrivatePostgres, schema: string, agents: OutboxAgent[]): Promise<void> {
  let allAcked = false;
  void Promise.all(agents.map((a) => a.finished)).then(() => (allAcked = true));
  for (const agent of agents) agent.finish();
  await waitFor('every agent to have all its events acked', () => allAcked, 60_000);
  const stored = await storedPerAgent(server, schema);
  for (const agent of agents) {
    expect(agent.ackedUpTo).toBe(agent.producedCount);
    expect(stored.get(agent.agentId)).toEqual({ rows: agent.producedCount, seqs: agent.producedCount, maxSeq: agent.producedCount });
  }
}

describe('PostgreSQL faults under ingest (private server)', () => {
  let server: PrivatePostgres;
  const consoles: TestConsole[] = [];
  const fleets: OutboxAgent[][] = [];

  beforeAll(async () => {
    server = await PrivatePostgres.start();
  }, 120_000);

  afterEach(async () => {
    for (const fleet of fleets.splice(0)) for (const agent of fleet) agent.stop();
    for (const t of consoles.splice(0)) await t.stop();
  });

  afterAll(async () => {
    await server.destroy();
  });

  async function consoleOn(schema: string, extra: { statementTimeoutMs?: number } = {}): Promise<TestConsole> {
    const t = await startTestConsole({ databaseUrl: server.url, databaseSchema: schema, nodeId: `fault-${schema}`, ...extra });
    consoles.push(t);
    return t;
  }

  async function startFleet(t: TestConsole): Promise<OutboxAgent[]> {
    const creds = await enrollFleet(t, AGENTS);
    const agents = creds.map((c) => new OutboxAgent({ agentUrl: t.console.agentUrl, creds: c, batch: 20, retryMs: 100 }));
    fleets.push(agents);
    for (const agent of agents) agent.start();
    // Ingest is under way for everyone before the fault.
    await waitFor('every agent acked a few times', () => agents.every((a) => a.ackTimes.length >= 3), 30_000);
    return agents;
  }

  it('survives pg_ctl stop -m immediate during ingest from 20 agents: not ready while down, acks again after, 0 lost, 0 duplicated', async () => {
    const t = await consoleOn('fault_restart');
    const agents = await startFleet(t);
    expect((await readyz(t)).status).toBe(200);

    await server.stop('immediate');
    // Not ready while the database is gone; still alive and answering.
    const down = await waitFor('/readyz to say not ready', async () => {
      const r = await readyz(t);
      return r.status === 503 ? r : undefined;
    });
    expect(down.checks.database).not.toBe('ok');
    expect(await healthz(t)).toBe(200);
    // Agents lose their connections (a batch that cannot commit is not acked) and keep retrying.
    await waitFor('every agent to have lost its connection', () => agents.every((a) => a.connectionsLost > 0), 30_000);
    const ackedWhileDown = agents.map((a) => a.ackTimes.length);
    expect((await readyz(t)).status).toBe(503);
    expect(agents.map((a) => a.ackTimes.length)).toEqual(ackedWhileDown);

    await server.startServer();
    const back = Date.now();
    await waitFor('a first ack after the restart', () => agents.some((a) => a.ackTimes.some((at) => at >= back)), 60_000);
    await waitFor('/readyz to say ready again', async () => (await readyz(t)).status === 200, 30_000);

    await expectExactlyOnce(server, 'fault_restart', agents);
    // The REST side works on fresh connections too.
    expect((await t.admin.json('GET', '/api/v1/agents?limit=5')).status).toBe(200);
  }, 240_000);

  it('survives pg_terminate_backend of every console connection during ingest, and the cluster bus listens again', async () => {
    const t = await consoleOn('fault_terminate');
    const agents = await startFleet(t);
    const before = agents.reduce((n, a) => n + a.ackTimes.length, 0);

    // Pool connections (transactions, COPY in flight) and the LISTEN connection alike.
    expect(await server.terminate('dlp-console')).toBeGreaterThan(0);
    await waitFor('acks after the connections were cut', () => agents.reduce((n, a) => n + a.ackTimes.length, 0) > before + AGENTS, 60_000);
    await server.terminate('dlp-console');

    await waitFor('/readyz ready (cluster bus listening again)', async () => (await readyz(t)).status === 200, 30_000);
    const listeners = await server.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'dlp-console-bus fault-fault_terminate' AND query LIKE 'LISTEN%'");
    expect(Number(listeners[0]?.n)).toBe(1);
    await expectExactlyOnce(server, 'fault_terminate', agents);
  }, 240_000);

  it('fails a statement stuck behind a lock after the statement timeout instead of hanging, then acks once the lock is gone', async () => {
    const t = await consoleOn('fault_timeout', { statementTimeoutMs: 1000 });
    const creds = (await enrollFleet(t, 1))[0];
    if (!creds) throw new Error('no agent');
    const locker = new pg.Client({ connectionString: server.url });
    locker.on('error', () => undefined);
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE fault_timeout.events IN ACCESS EXCLUSIVE MODE');

      const peer = await helloAgent(t.console.agentUrl, creds);
      peer.send({ v: PROTOCOL_VERSION, type: 'events', events: [sampleEvent({ seq: 1 })] });
      // The batch fails (connection closed, no ack) instead of waiting for the lock.
      expect(await peer.closeCode(20_000)).toBe(1011);
      expect(peer.received.filter((m) => m.type === 'ack')).toEqual([]);
      // A read of the locked table fails as well, with the one error shape, rather than hanging.
      const search = await t.admin.json<{ ok: boolean; error: string }>('GET', '/api/v1/events?limit=5');
      expect(search.status).toBe(500);
      expect(search.body).toMatchObject({ ok: false, error: 'internal_error' });
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }

    const again = await helloAgent(t.console.agentUrl, creds);
    try {
      expect((await again.sendEvents([sampleEvent({ seq: 1 })])).upTo).toBe(1);
    } finally {
      again.close();
    }
    expect((await storedPerAgent(server, 'fault_timeout')).get(creds.agentId)).toEqual({ rows: 1, seqs: 1, maxSeq: 1 });
  }, 120_000);

  it('gives up on a server that stops answering (its processes frozen, as in a failover that never closes connections)', async () => {
    const t = await consoleOn('fault_frozen', { statementTimeoutMs: 1000 });
    const creds = (await enrollFleet(t, 1))[0];
    if (!creds) throw new Error('no agent');
    const peer = await helloAgent(t.console.agentUrl, creds);
    // Every connection the console holds now: statement_timeout cannot fire in a stopped process,
    // so only the console's own timeout (statement timeout + 5 s) ends the wait.
    const backends = await server.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'dlp-console fault-fault_frozen'");
    expect(backends.length).toBeGreaterThan(0);
    for (const { pid } of backends) process.kill(pid, 'SIGSTOP');
    try {
      peer.send({ v: PROTOCOL_VERSION, type: 'events', events: [sampleEvent({ seq: 1 })] });
      expect(await peer.closeCode(30_000)).toBe(1011);
      expect(peer.received.filter((m) => m.type === 'ack')).toEqual([]);
    } finally {
      for (const { pid } of backends) process.kill(pid, 'SIGCONT');
    }
    const again = await helloAgent(t.console.agentUrl, creds);
    try {
      expect((await again.sendEvents([sampleEvent({ seq: 1 })])).upTo).toBe(1);
    } finally {
      again.close();
    }
    expect((await storedPerAgent(server, 'fault_frozen')).get(creds.agentId)).toEqual({ rows: 1, seqs: 1, maxSeq: 1 });
  }, 120_000);

  it('the cluster bus notices a LISTEN connection that stops answering, listens again on a new one, and hears other nodes', async () => {
    const log = createMemoryLogger();
    const pool = new pg.Pool({ connectionString: server.url, max: 2 });
    pool.on('error', () => undefined);
    const options = { pool, channel: 'dlp_fault_bus', logger: log, pingIntervalMs: 200, reconnectMinMs: 50, reconnectMaxMs: 200 };
    const listener = await PgClusterBus.start({ ...options, nodeId: 'listener', connection: { connectionString: server.url, application_name: 'dlp-fault-bus-listener' } });
    const sender = await PgClusterBus.start({ ...options, nodeId: 'sender', connection: { connectionString: server.url, application_name: 'dlp-fault-bus-sender' } });
    const heard: ClusterMessage[] = [];
    listener.subscribe((m) => heard.push(m));
    const frozen = await server.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'dlp-fault-bus-listener'");
    expect(frozen).toHaveLength(1);
    try {
      for (const { pid } of frozen) process.kill(pid, 'SIGSTOP');
      // The unanswered ping (10 s) is what tells it; the sender's connection was never touched.
      await waitFor('the bus to notice its connection is dead', () => log.records.some((r) => r.msg === 'cluster listener lost its connection; reconnecting'), 30_000);
      await waitFor('the bus to listen again', () => log.records.some((r) => r.msg === 'cluster listener reconnected') && listener.listening, 30_000);
      await sender.publish({ kind: 'agent-revoked', agentId: 'agent-after-reconnect' });
      await waitFor('a message from the other node', () => heard.some((m) => m.kind === 'agent-revoked' && m.agentId === 'agent-after-reconnect'));
    } finally {
      for (const { pid } of frozen) process.kill(pid, 'SIGCONT');
      await listener.close();
      await sender.close();
      await pool.end();
    }
  }, 60_000);
});
