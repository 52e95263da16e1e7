import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PROTOCOL_VERSION, sampleEvent, storedEvent, type AgentSummary, type StoredEvent } from '@dlp/shared';
import { z } from 'zod';
import { enrollAgent, helloAgent, type AgentPeer } from '../../console/server/src/testing/agent-peer';
import { RestClient } from '../../console/server/src/testing/rest-client';
import { waitFor } from '../../console/server/src/testing/wait-for';
import { runBundle, startAgent, type RunningProcess } from './harness/processes';

// Two real console processes (dist/console/server.js) on one PostgreSQL database, a real agent
// process on node A: what one node is told, agents and users of the other node see.

const ADMIN_URL = process.env.DLP_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const ADMIN_PASSWORD = 'multi-node admin password 2026';
const ENROLL_SECRET = 'multi-node-enroll-secret-0123456789';

interface NodeProcess extends RunningProcess {
  url: string;
  agentUrl: string;
}

/** The admin database URL with another database name. */
function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function startNode(dataDir: string, nodeId: string, databaseUrl: string): Promise<NodeProcess> {
  const proc = runBundle('console/server.js', ['--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1'], {
    DLP_DATABASE_URL: databaseUrl,
    DLP_NODE_ID: nodeId,
    DLP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    DLP_LOCAL_ENROLL_SECRET: ENROLL_SECRET,
  });
  const match = await proc.waitForLine(/DLP_CONSOLE_LISTENING url=(http:\/\/127\.0\.0\.1:(\d+))/);
  const url = match[1] ?? '';
  return Object.assign(proc, { url, agentUrl: `${url.replace('http', 'ws')}/agent` });
}

/** The node's JSON log lines (stderr), parsed. */
function logLines(node: RunningProcess): Array<Record<string, unknown>> {
  return node
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Reads a Server-Sent Events stream until `done(text)` holds. */
async function readStream(body: ReadableStream<Uint8Array>, done: (text: string) => boolean): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!done(text)) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error(`stream ended: ${text}`);
    text += decoder.decode(chunk.value, { stream: true });
  }
  reader.releaseLock();
  return text;
}

describe('several console nodes on one PostgreSQL', () => {
  const database = `dlp_e2e_${randomBytes(6).toString('hex')}`;
  const root = mkdtempSync(path.join(tmpdir(), 'dlp-e2e-multi-'));
  let a: NodeProcess | undefined;
  let b: NodeProcess | undefined;
  let agent: RunningProcess | undefined;
  const peers: AgentPeer[] = [];

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${database}`);
    const dirA = path.join(root, 'node-a');
    a = await startNode(dirA, 'node-a', urlFor(database));
    // Every node signs with the same key: copy node A's key file into node B's data dir, as an
    // operator would (docs/OPERATIONS-CLUSTER.md).
    const dirB = path.join(root, 'node-b');
    mkdirSync(path.join(dirB, 'keys'), { recursive: true, mode: 0o700 });
    cpSync(path.join(dirA, 'keys', 'signing.pem'), path.join(dirB, 'keys', 'signing.pem'));
    b = await startNode(dirB, 'node-b', urlFor(database));
  });

  afterAll(async () => {
    for (const peer of peers) peer.close();
    await Promise.allSettled([agent?.stop(), a?.stop(), b?.stop()]);
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    rmSync(root, { recursive: true, force: true });
  });

  it('serves one session on both nodes; a policy published on B reaches the agent on A; events ingested on A stream on B', async () => {
    if (!a || !b) throw new Error('nodes not started');
    const ready = await new RestClient(b.url).json<{ checks: Record<string, string> }>('GET', '/readyz');
    expect(ready).toEqual({ status: 200, body: expect.objectContaining({ checks: expect.objectContaining({ database: 'ok', clusterBus: 'ok' }) }) });
    // Logged in on A; the very same cookie and CSRF token work on B (sessions live in the database).
    const onA = new RestClient(a.url);
    expect((await onA.login('admin', ADMIN_PASSWORD)).status).toBe(200);
    const onB = new RestClient(b.url);
    onB.cookie = onA.cookie;
    onB.csrfToken = onA.csrfToken;

    // The real agent enrolls with and connects to node A only.
    agent = await startAgent({ consoleUrl: a.agentUrl, enrollSecret: ENROLL_SECRET, dataDir: path.join(root, 'agent'), scanIntervalMs: 50, appControl: { method: 'proc-scan' } });
    const listed = await waitFor('the agent online, as node B sees it', async () => {
      const res = await onB.json<{ items: AgentSummary[] }>('GET', '/api/v1/agents');
      const found = res.body.items.find((x) => x.online && x.policySerial !== null);
      return found;
    }, 20_000);

    // Publish through node B's REST.
    const policies = await onB.json<{ items: Array<{ id: string; name: string }> }>('GET', '/api/v1/policies');
    const policyId = policies.body.items[0]?.id ?? '';
    const started = Date.now();
    const published = await onB.json<{ policy: { serial: number } }>('PUT', `/api/v1/policies/${policyId}`, {
      document: {
        schema: 'dlp.policy/v1',
        name: 'Default',
        mode: 'monitor',
        apps: { rules: [{ id: 'multi-node-rule', action: 'block', kind: 'sha256', value: 'b'.repeat(64), description: 'published on node B' }] },
      },
    });
    expect(published.status).toBe(200);
    const serial = published.body.policy.serial;
    const applied = await waitFor('the agent on node A to apply the policy published on node B', async () => {
      const res = await onA.json<{ agent: AgentSummary }>('GET', `/api/v1/agents/${listed.id}`);
      return res.body.agent.policySerial === serial ? res.body.agent : undefined;
    }, 20_000);
    const latencyMs = Date.now() - started;
    expect(applied.policySerial).toBe(serial);
    // The agent is connected to node A only, and its receipt for the new serial arrived there.
    const logged = (node: NodeProcess, msg: string): Array<Record<string, unknown>> => logLines(node).filter((l) => l.msg === msg && l.agentId === listed.id);
    expect(logged(a, 'agent connected')).not.toEqual([]);
    expect(logged(b, 'agent connected')).toEqual([]);
    const receipt = logged(a, 'agent applied policy').find((l) => l.serial === serial);
    expect(receipt).toBeDefined();
    const receiptAfterMs = Date.parse(String(receipt?.time)) - started;
    process.stdout.write(`multi-node: published through node B → agent on node A applied it, receipt logged by node A after ${receiptAfterMs} ms (seen through REST after ${latencyMs} ms)\n`);

    // Node B's live feed, opened with the session from node A.
    const controller = new AbortController();
    try {
      const stream = await fetch(`${b.url}/api/v1/events/stream`, { headers: { cookie: onA.cookie ?? '' }, signal: controller.signal });
      expect(stream.status).toBe(200);
      if (!stream.body) throw new Error('no stream body');
      const body = stream.body;
      await readStream(body, (text) => text.includes(': connected'));

      // A second (simulated) agent ingests on node A.
      const creds = await enrollAgent(a.agentUrl, ENROLL_SECRET);
      const peer = await helloAgent(a.agentUrl, creds, serial);
      peers.push(peer);
      peer.send({ v: PROTOCOL_VERSION, type: 'events', events: [sampleEvent({ seq: 1, user: '李雷' }), sampleEvent({ seq: 2 })] });
      await peer.next('ack');

      const mineIn = (text: string): StoredEvent[] =>
        [...text.matchAll(/event: events\ndata: (.*)\n\n/g)].flatMap((m) => z.array(storedEvent).parse(JSON.parse(m[1] ?? '[]'))).filter((e) => e.agentId === creds.agentId);
      const mine = mineIn(await readStream(body, (text) => mineIn(text).length >= 2));
      expect(mine.map((e) => [e.seq, e.user])).toEqual([
        [1, '李雷'],
        [2, 'alice'],
      ]);
    } finally {
      controller.abort();
    }

    // Logging out on B ends the session on A too.
    expect((await onB.call('POST', '/api/v1/auth/logout')).status).toBeLessThan(300);
    expect((await onA.json('GET', '/api/v1/agents')).status).toBe(401);
  });

  it('refuses to start a node that would sign with another key', async () => {
    const stray = runBundle('console/server.js', ['--data-dir', path.join(root, 'node-c'), '--port', '0'], { DLP_DATABASE_URL: urlFor(database), DLP_NODE_ID: 'node-c' });
    try {
      await expect(stray.waitForLine(/DLP_CONSOLE_LISTENING/)).rejects.toThrow(/signing key [0-9a-f]{16} is not the one the other nodes/);
    } finally {
      await stray.stop();
    }
  });
});
