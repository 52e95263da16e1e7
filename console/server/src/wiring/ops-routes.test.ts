import { PROTOCOL_VERSION, sampleEvent } from '@dlp/shared';
import { createJsonLogger } from '../logging/logger';
import { enrollAgent, helloAgent } from '../testing/agent-peer';
import { BearerClient, RestClient } from '../testing/rest-client';
import { createEnrollSecret, startTestConsole, TEST_ADMIN_PASSWORD, type TestConsole } from '../testing/test-console';
import { parseAddressList, peerAllowed } from '../ops/metrics-access';
import { Readiness } from '../ops/readiness';

/** `name{labels} value` → value, for one sample line of the exposition. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('health, readiness, metrics and request logs', () => {
  let t: TestConsole;
  let anonymous: RestClient;

  beforeAll(async () => {
    t = await startTestConsole();
    anonymous = new RestClient(t.console.url);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers /healthz and /readyz without credentials, with no details beyond check names', async () => {
    expect(await anonymous.json('GET', '/healthz')).toEqual({ status: 200, body: { ok: true } });
    expect(await anonymous.json('GET', '/readyz')).toEqual({ status: 200, body: { ok: true, checks: { lifecycle: 'ok', database: 'ok', writes: 'ok', signingKey: 'ok' } } });
  });

  it('refuses /metrics without credentials and serves Prometheus text to a reader', async () => {
    expect((await anonymous.json('GET', '/metrics')).status).toBe(401);
    const res = await t.admin.call('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('# TYPE dlp_agents_connected gauge');
    expect(text).toContain('# TYPE process_resident_memory_bytes gauge');
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('lets a metrics-scoped API token scrape /metrics and nothing else', async () => {
    const create = async (scope?: 'api' | 'metrics'): Promise<{ token: string; apiToken: { scope: string } }> =>
      (await t.admin.json<{ token: string; apiToken: { scope: string } }>('POST', '/api/v1/api-tokens', { name: `prometheus ${scope ?? 'default'}`, role: 'auditor', scope })).body;
    const scrape = await create('metrics');
    expect(scrape.apiToken.scope).toBe('metrics');
    const prometheus = new BearerClient(t.console.url, scrape.token);
    expect((await prometheus.call('GET', '/metrics')).status).toBe(200);
    // Everywhere else it is nobody: no events, no audit log, not even who it is.
    for (const path of ['/api/v1/events', '/api/v1/audit', '/api/v1/auth/me', '/api/v1/agents']) expect((await prometheus.json('GET', path)).status).toBe(401);
    // A token without a scope is an API token, as before scopes existed, and may scrape too.
    const api = await create();
    expect(api.apiToken.scope).toBe('api');
    const automation = new BearerClient(t.console.url, api.token);
    expect((await automation.json('GET', '/api/v1/events')).status).toBe(200);
    expect((await automation.call('GET', '/metrics')).status).toBe(200);
    expect((await t.admin.json('POST', '/api/v1/api-tokens', { name: 'x', role: 'auditor', scope: 'everything' })).status).toBe(400);
  });

  it('counts agents, ingest, ack lag, outbox backlog and policy pushes from the real protocol', async () => {
    const creds = await enrollAgent(t.console.agentUrl, await createEnrollSecret(t.admin));
    const peer = await helloAgent(t.console.agentUrl, creds);
    try {
      const occurredAt = new Date(Date.now() - 2000).toISOString();
      peer.send({ v: PROTOCOL_VERSION, type: 'events', events: [1, 2, 3].map((seq) => sampleEvent({ seq, occurredAt })) });
      await peer.next('ack');
      // A resend of the same batch is acked again but stored once.
      peer.send({ v: PROTOCOL_VERSION, type: 'events', events: [1, 2, 3].map((seq) => sampleEvent({ seq, occurredAt })) });
      await peer.next('ack', 1);
      peer.send({ v: PROTOCOL_VERSION, type: 'heartbeat', sentAt: new Date().toISOString(), outboxDepth: 7 });
      await peer.next('heartbeat');
      await peer.next('policy');

      const text = await (await t.admin.call('GET', '/metrics')).text();
      expect(sample(text, 'dlp_agents_connected')).toBe(1);
      expect(sample(text, 'dlp_agent_connections_total')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'dlp_ingest_batches_total')).toBe(2);
      expect(sample(text, 'dlp_ingest_events_received_total')).toBe(6);
      expect(sample(text, 'dlp_ingest_events_stored_total')).toBe(3);
      expect(sample(text, 'dlp_ingest_batch_commit_seconds_count')).toBe(2);
      expect(sample(text, 'dlp_ingest_ack_lag_seconds_count')).toBe(6);
      // Two seconds old when acked: not in the ≤ 1 s bucket, in the ≤ 2.5 s one (timing-tolerant).
      expect(sample(text, 'dlp_ingest_ack_lag_seconds_bucket{le="1"}')).toBe(0);
      expect(sample(text, 'dlp_ingest_ack_lag_seconds_bucket{le="60"}')).toBe(6);
      expect(sample(text, 'dlp_agent_outbox_backlog_events{stat="sum"}')).toBe(7);
      expect(sample(text, 'dlp_agent_outbox_reporting_agents')).toBe(1);
      expect(sample(text, 'dlp_policy_pushes_total')).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/dlp_http_request_duration_seconds_count\{method="GET",route="\/metrics",status="200"\} \d+/);
    } finally {
      peer.close();
    }
  });

  it('logs one JSON-ready line per request with the route template, never query strings, cookies or passwords', async () => {
    const client = new RestClient(t.console.url);
    await client.login('admin', TEST_ADMIN_PASSWORD);
    const res = await client.call('GET', '/api/v1/users/0190aaaa-0000-7000-8000-000000000000?token=query-secret-123', undefined, { 'x-request-id': 'req-abcdef-42' });
    expect(res.headers.get('x-request-id')).toBe('req-abcdef-42');
    await anonymous.call('GET', '/api/v1/no-such-thing?password=query-secret-456');
    const lines = t.logger.records.filter((r) => r.msg === 'request');
    expect(lines.find((r) => r.requestId === 'req-abcdef-42')).toMatchObject({ method: 'GET', route: '/api/v1/users/:id', status: 404, ms: expect.any(Number) });
    expect(lines.find((r) => r.status === 404 && r.route === 'unmatched')).toMatchObject({ path: '/api/v1/no-such-thing' });
    const all = JSON.stringify(t.logger.records);
    expect(all).not.toContain('query-secret');
    expect(all).not.toContain(TEST_ADMIN_PASSWORD);
    expect(all).not.toContain(client.cookie?.split('=')[1] ?? 'no cookie');
  });
});

describe('metrics from an allow-listed peer', () => {
  it('serves /metrics without credentials only to listed addresses', async () => {
    const t = await startTestConsole({ metricsAllow: '127.0.0.1/32' });
    try {
      const res = await new RestClient(t.console.url).call('GET', '/metrics');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('dlp_agents_connected 0');
    } finally {
      await t.stop();
    }
    const list = parseAddressList('10.0.0.5, 10.1.0.0/16,fd00::/8');
    expect([peerAllowed(list, '10.0.0.5'), peerAllowed(list, '::ffff:10.1.2.3'), peerAllowed(list, 'fd00::1'), peerAllowed(list, '127.0.0.1'), peerAllowed(undefined, '10.0.0.5')]).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(() => parseAddressList('0.0.0.0/33')).toThrow('bad prefix length');
    expect(() => parseAddressList('example.org')).toThrow('not an IP address');
  });
});

describe('Readiness', () => {
  it('is not ready before serving, after stopping, or when a check fails (reason only, no error text)', async () => {
    let dbUp = true;
    const readiness = new Readiness([
      {
        name: 'database',
        check: async () => {
          if (!dbUp) throw new Error('SQLITE_CANTOPEN /secret/path/console.sqlite');
          return undefined;
        },
      },
    ]);
    expect(await readiness.report()).toEqual({ ready: false, checks: { lifecycle: 'starting', database: 'ok' } });
    readiness.markServing();
    expect((await readiness.report()).ready).toBe(true);
    dbUp = false;
    expect(await readiness.report()).toEqual({ ready: false, checks: { lifecycle: 'ok', database: 'failed' } });
    dbUp = true;
    readiness.markStopping();
    expect(await readiness.report()).toEqual({ ready: false, checks: { lifecycle: 'stopping', database: 'ok' } });
  });
});

describe('JSON logger', () => {
  it('writes credential-named fields as [redacted]', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ write: (line) => void lines.push(line) });
    logger.info('oops', { password: 'hunter2-secret', nested: { apiToken: 'dlp_abc-secret' }, enrollSecretId: 'id-1' });
    const record = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(record).toMatchObject({ level: 'info', msg: 'oops', password: '[redacted]', nested: { apiToken: '[redacted]' }, enrollSecretId: 'id-1' });
    expect(lines.join('')).not.toMatch(/hunter2|dlp_abc/);
  });
});
