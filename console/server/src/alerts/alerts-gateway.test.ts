import { sampleEvent, type AlertNotification, type DeliveryCounters } from '@dlp/shared';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { AgentPeer } from '../testing/agent-peer';
import { loopbackCertificate, startHttpsReceiver } from '../testing/https-receiver';
import { connectTestAgent, startTestConsole, type TestConsole } from '../testing/test-console';
import { createTestUser } from '../testing/test-users';
import { waitFor } from '../testing/wait-for';

import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from './webhook-signature';

/** Integration: real console, real gateway (AgentPeer), real HTTP receivers and TCP listeners on loopback. */

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

async function listen(server: Server | NetServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('alerts through the real gateway', () => {
  let t: TestConsole;
  let peer: AgentPeer | undefined;
  const servers: Array<Server | NetServer> = [];
  const sockets: Socket[] = [];
  let seq = 0;

  beforeEach(async () => {
    t = await startTestConsole({ alerts: { dispatcher: { sendTimeoutMs: 1500, queue: { baseDelayMs: 50, maxDelayMs: 100, maxAttempts: 3, capacity: 5 } } } });
    ({ peer } = await connectTestAgent(t));
    seq = 0;
  });

  afterEach(async () => {
    peer?.close();
    for (const socket of sockets.splice(0)) socket.destroy();
    await t.stop();
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  /** Sends a batch and waits for its ack. */
  async function sendEvents(events: Array<Parameters<typeof sampleEvent>[0]>): Promise<void> {
    const batch = events.map((overrides) => sampleEvent({ ...overrides, seq: ++seq, host: 'ws-test-01' }));
    const ack = await peer?.sendEvents(batch);
    expect(ack?.upTo).toBe(seq);
  }

  it('fires a threshold rule end to end and signs the webhook body; the secret is never shown again', async () => {
    const received: Received[] = [];
    const receiver = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    servers.push(receiver);
    const port = await listen(receiver);

    const created = await t.admin.json<{ destination: { id: string; hasSecret: boolean }; secret: string }>('POST', '/api/v1/alerts/destinations', {
      name: 'SOC webhook',
      config: { kind: 'webhook', url: `http://127.0.0.1:${port}/dlp` },
    });
    expect(created.status).toBe(201);
    const secret = created.body.secret;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const rule = await t.admin.json<{ id: string }>('POST', '/api/v1/alerts/rules', {
      name: '3 blocks in 5 minutes',
      params: { kind: 'threshold', count: 3, windowMinutes: 5 },
      destinationIds: [created.body.destination.id],
    });
    expect(rule.status).toBe(201);

    await sendEvents([{ action: 'blocked' }, { action: 'allowed' }]);
    await sendEvents([{ action: 'blocked' }, { action: 'blocked' }]);
    const [delivery] = await waitFor('the webhook delivery', () => received.length > 0 && received);
    expect(delivery).toBeDefined();
    if (!delivery) return;
    expect(verifyWebhook(secret, delivery.body, delivery.headers[SIGNATURE_HEADER] as string, delivery.headers[TIMESTAMP_HEADER] as string, Date.now())).toBe(true);
    expect(verifyWebhook('wrong-secret-wrong-secret', delivery.body, delivery.headers[SIGNATURE_HEADER] as string, delivery.headers[TIMESTAMP_HEADER] as string, Date.now())).toBe(false);
    // A replay long after is refused by the receiver's timestamp check.
    expect(verifyWebhook(secret, delivery.body, delivery.headers[SIGNATURE_HEADER] as string, delivery.headers[TIMESTAMP_HEADER] as string, Date.now() + 3_600_000)).toBe(false);
    const notification = JSON.parse(delivery.body) as AlertNotification;
    expect(notification.alert).toMatchObject({ ruleId: rule.body.id, kind: 'threshold', entity: { type: 'host', label: 'ws-test-01' }, details: { countInWindow: 3 } });

    const officer = await createTestUser(t, 'officer');
    const listed = await officer.client.json<{ items: Array<{ id: string; state: string }> }>('GET', '/api/v1/alerts?state=open');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((a) => a.id)).toEqual([notification.alert.id]);

    const test = await t.admin.json<{ ok: boolean }>('POST', `/api/v1/alerts/destinations/${created.body.destination.id}/test`);
    expect(test.body).toEqual(expect.objectContaining({ ok: true, error: null }));
    expect(received).toHaveLength(2);
    expect((JSON.parse(received[1]?.body ?? '{}') as AlertNotification).test).toBe(true);

    const destinations = await t.admin.call('GET', '/api/v1/alerts/destinations');
    const audit = await t.admin.call('GET', '/api/v1/audit?limit=50');
    expect(await destinations.text()).not.toContain(secret);
    expect(await audit.text()).not.toContain(secret);
    expect(JSON.stringify(t.logger.records)).not.toContain(secret);
  });

  it("delivers to an HTTPS receiver under the firm's own CA once that CA is configured, and only then", async () => {
    const siem = await startHttpsReceiver('siem.corp.example');
    const stranger = loopbackCertificate('other CA');
    try {
      const url = siem.url;
      const created = await t.admin.json<{ destination: { id: string } }>('POST', '/api/v1/alerts/destinations', { name: 'SIEM', config: { kind: 'webhook', url } });
      const id = created.body.destination.id;
      const test = async (): Promise<{ ok: boolean; error: string | null }> => (await t.admin.json<{ ok: boolean; error: string | null }>('POST', `/api/v1/alerts/destinations/${id}/test`)).body;

      // The system's CAs do not know the firm's CA.
      expect(await test()).toEqual(expect.objectContaining({ ok: false, error: expect.stringMatching(/certificate/i) as unknown }));
      const withCa = await t.admin.json<{ config: { caCertificate?: string } }>('PATCH', `/api/v1/alerts/destinations/${id}`, { config: { kind: 'webhook', url, caCertificate: siem.caPem } });
      expect(withCa.status).toBe(200);
      expect(withCa.body.config.caCertificate).toBe(siem.caPem);
      expect(await test()).toEqual(expect.objectContaining({ ok: true, error: null }));
      expect(siem.deliveries()).toBe(1);
      // Only the configured CA is trusted for this receiver.
      await t.admin.json('PATCH', `/api/v1/alerts/destinations/${id}`, { config: { kind: 'webhook', url, caCertificate: stranger.certPem } });
      expect((await test()).ok).toBe(false);
      expect(siem.deliveries()).toBe(1);

      const pathsOf = async (config: object): Promise<string[]> =>
        (await t.admin.json<{ issues: Array<{ path: string }> }>('POST', '/api/v1/alerts/destinations', { name: 'x', config })).body.issues.map((i) => i.path);
      expect(await pathsOf({ kind: 'webhook', url: url.replace('https:', 'http:'), caCertificate: siem.caPem })).toEqual(['config.caCertificate']);
      expect(await pathsOf({ kind: 'webhook', url, caCertificate: stranger.keyPem })).toEqual(['config.caCertificate']);
      expect(await pathsOf({ kind: 'webhook', url, caCertificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' })).toEqual(['config.caCertificate']);
    } finally {
      await siem.close();
    }
  });

  it('rejects bad rules and destinations with field paths', async () => {
    const badUrl = await t.admin.json<{ error: string; issues: Array<{ path: string }> }>('POST', '/api/v1/alerts/destinations', { name: 'x', config: { kind: 'webhook', url: 'ftp://example/' } });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.issues.map((i) => i.path)).toContain('config.url');
    const badRule = await t.admin.json<{ issues: Array<{ path: string }> }>('POST', '/api/v1/alerts/rules', { name: 'x', params: { kind: 'threshold', count: 0, windowMinutes: 5 } });
    expect(badRule.body.issues.map((i) => i.path)).toEqual(['params.count']);
    const unknownDestination = await t.admin.json<{ issues: Array<{ path: string }> }>('POST', '/api/v1/alerts/rules', { name: 'x', params: { kind: 'content' }, destinationIds: ['nope'] });
    expect(unknownDestination.status).toBe(400);
    expect(unknownDestination.body.issues.map((i) => i.path)).toEqual(['destinationIds.0']);
    const badQuery = await t.admin.json('GET', "/api/v1/alerts?state=open'--");
    expect(badQuery.status).toBe(400);
  });

  it('keeps acking ingest while destinations are down or hang, and counts the failures', async () => {
    // A webhook that accepts connections and never answers, and one on a closed port.
    const held: Socket[] = [];
    const hanging = createNetServer((socket) => {
      held.push(socket);
      sockets.push(socket);
      socket.on('data', () => undefined);
    });
    servers.push(hanging);
    const hangingPort = await listen(hanging);
    const closed = await closedPort();
    const ids: string[] = [];
    for (const [name, config] of [
      ['hangs', { kind: 'webhook', url: `http://127.0.0.1:${hangingPort}/` }],
      ['refuses', { kind: 'webhook', url: `http://127.0.0.1:${closed}/` }],
      ['syslog refuses', { kind: 'syslog', host: '127.0.0.1', port: closed, protocol: 'tcp' }],
    ] as const) {
      const res = await t.admin.json<{ destination: { id: string } }>('POST', '/api/v1/alerts/destinations', { name, config });
      ids.push(res.body.destination.id);
    }
    await t.admin.json('POST', '/api/v1/alerts/rules', { name: 'any block', params: { kind: 'threshold', count: 1, windowMinutes: 1 }, destinationIds: ids, cooldownMinutes: 1 });

    await sendEvents([{ action: 'blocked' }]);
    await waitFor('the hanging webhook to hold a request', () => held.length > 0);
    // While that request hangs, ingest goes on and every batch is acked (sendEvents awaits each ack).
    for (let i = 0; i < 20; i++) await sendEvents(Array.from({ length: 50 }, () => ({ action: 'blocked' as const })));
    expect(held.every((socket) => !socket.destroyed)).toBe(true);

    const stats = async (): Promise<DeliveryCounters[]> => (await t.admin.json<{ items: DeliveryCounters[] }>('GET', '/api/v1/alerts/delivery-stats')).body.items;
    const byName = await waitFor('all three destinations to give up', async () => {
      const items = await stats();
      return items.every((c) => c.failed === 1) && Object.fromEntries(items.map((c) => [c.name, c]));
    }, 20_000);
    expect(byName['hangs']).toMatchObject({ sent: 0, failed: 1, retries: 2, queued: 0, lastError: 'no answer within 1500 ms' });
    expect(byName['refuses']).toMatchObject({ sent: 0, failed: 1, retries: 2 });
    expect(byName['refuses']?.lastError).toMatch(/ECONNREFUSED/);
    expect(byName['syslog refuses']).toMatchObject({ sent: 0, failed: 1, retries: 2 });
    const metrics = await (await t.admin.call('GET', '/metrics')).text();
    expect(metrics).toContain('dlp_alert_deliveries_total{destination="refuses",kind="webhook",outcome="failed"} 1');
    expect(metrics).toContain('dlp_alert_queue_depth{destination="hangs",kind="webhook"} 0');
    // Only one alert: the rest of the blocks fell within the cooldown.
    const alerts = await t.admin.json<{ items: Array<{ eventCount: number }> }>('GET', '/api/v1/alerts');
    expect(alerts.body.items).toHaveLength(1);
    expect(alerts.body.items[0]?.eventCount).toBe(1001);
  });
});
