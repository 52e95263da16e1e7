import { CLOSE_CODES, LIMITS, PROTOCOL_VERSION, sampleEvent, type AgentSummary, type Page, type StoredEvent } from '@dlp/shared';
import path from 'node:path';
import { verifySignedPolicy } from '@dlp/shared/node';
import { SqliteWorkerDatabase } from '../store/sqlite/sqlite-worker-db';
import { AgentPeer, enrollAgent, helloAgent, TEST_AGENT_INFO } from '../testing/agent-peer';
import { createEnrollSecret, startTestConsole, type TestConsole } from '../testing/test-console';
import { waitFor } from '../testing/wait-for';

const v = PROTOCOL_VERSION;

describe('agent gateway', () => {
  let t: TestConsole;
  let secret: string;
  const peers: AgentPeer[] = [];

  beforeEach(async () => {
    t = await startTestConsole();
    secret = await createEnrollSecret(t.admin);
  });
  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await t.stop();
  });

  async function connect(): Promise<AgentPeer> {
    const peer = await AgentPeer.connect(t.console.agentUrl);
    peers.push(peer);
    return peer;
  }

  async function hello(creds: { agentId: string; token: string }, policySerial: number | null = null): Promise<AgentPeer> {
    const peer = await helloAgent(t.console.agentUrl, creds, policySerial);
    peers.push(peer);
    return peer;
  }

  async function agent(id: string): Promise<AgentSummary> {
    const res = await t.admin.json<{ agent: AgentSummary }>('GET', `/api/v1/agents/${id}`);
    expect(res.status).toBe(200);
    return res.body.agent;
  }

  /** A heartbeat round trip proves the console still serves this peer (and flushes earlier replies). */
  async function roundTrip(peer: AgentPeer): Promise<void> {
    const before = peer.received.filter((m) => m.type === 'heartbeat').length;
    peer.send({ v, type: 'heartbeat', sentAt: new Date().toISOString() });
    await peer.next('heartbeat', before);
  }

  describe('enrollment', () => {
    it('enrolls with a good secret: credentials, the console key, then a normal close', async () => {
      const peer = await connect();
      peer.send({ v, type: 'enroll', secret, agent: TEST_AGENT_INFO });
      const enrolled = await peer.next('enrolled');
      expect(enrolled.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(enrolled.consoleKey).toEqual(t.console.consoleKey);
      expect(await peer.closeCode()).toBe(1000);
      expect(await agent(enrolled.agentId)).toMatchObject({ id: enrolled.agentId, info: TEST_AGENT_INFO, online: false, revoked: false, ackedSeq: 0 });
    });

    it('refuses a wrong secret with 4401 and creates no agent', async () => {
      const peer = await connect();
      peer.send({ v, type: 'enroll', secret: 'x'.repeat(43), agent: TEST_AGENT_INFO });
      expect(await peer.next('error')).toMatchObject({ code: 'bad_enroll_secret' });
      expect(await peer.closeCode()).toBe(CLOSE_CODES.unauthorized);
      expect((await t.admin.json<Page<AgentSummary>>('GET', '/api/v1/agents')).body.items).toEqual([]);
      expect(t.logger.records).toContainEqual(expect.objectContaining({ msg: 'agent connection refused', reason: 'bad_enroll_secret', closeCode: 4401 }));
    });

    it('stops accepting a deleted secret', async () => {
      const { body } = await t.admin.json<{ items: Array<{ id: string }> }>('GET', '/api/v1/enroll-secrets');
      const id = body.items[0]?.id ?? '';
      expect((await t.admin.call('DELETE', `/api/v1/enroll-secrets/${id}`)).status).toBe(204);
      const peer = await connect();
      peer.send({ v, type: 'enroll', secret, agent: TEST_AGENT_INFO });
      expect(await peer.closeCode()).toBe(CLOSE_CODES.unauthorized);
    });
  });

  describe('hello', () => {
    it('welcomes a good token, marks the agent online and sends the group policy it lacks', async () => {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      const peer = await hello(creds);
      expect(peer.received[0]).toMatchObject({ type: 'welcome', ackedSeq: 0 });
      const { policy } = await peer.next('policy');
      expect(policy.bundle).toMatchObject({ serial: 1, version: 1, document: { name: 'Default', mode: 'monitor' } });
      expect(verifySignedPolicy(policy, creds.publicKey)).toEqual({ ok: true });
      expect(await agent(creds.agentId)).toMatchObject({ online: true, lastSeenAt: expect.any(String), policySerial: null });
      expect(peer.invalid).toEqual([]);
    });

    it('does not resend the policy an agent already enforces', async () => {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      const peer = await hello(creds, 1);
      await roundTrip(peer);
      expect(peer.received.map((m) => m.type)).toEqual(['welcome', 'group-assignment', 'heartbeat']);
      expect((await agent(creds.agentId)).policySerial).toBe(1);
    });

    it('refuses a wrong token or an unknown agent with 4401', async () => {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      for (const wrong of [
        { ...creds, token: 'A'.repeat(43) },
        { agentId: '01900000-0000-7000-8000-000000000000', token: creds.token },
      ]) {
        const peer = await connect();
        peer.send({ v, type: 'hello', agentId: wrong.agentId, token: wrong.token, agent: TEST_AGENT_INFO, policySerial: null });
        expect(await peer.closeCode()).toBe(CLOSE_CODES.unauthorized);
        expect(peer.received.map((m) => m.type)).toEqual(['error']);
      }
      expect((await agent(creds.agentId)).online).toBe(false);
    });

    it('requires hello or enroll first', async () => {
      const peer = await connect();
      peer.send({ v, type: 'heartbeat', sentAt: new Date().toISOString() });
      expect(await peer.closeCode()).toBe(CLOSE_CODES.unauthorized);
    });

    it('replaces an older connection of the same agent with 4409', async () => {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      const first = await hello(creds, 1);
      const second = await hello(creds, 1);
      expect(await first.closeCode()).toBe(CLOSE_CODES.replaced);
      await roundTrip(second);
      // The replaced socket's close must not mark the live agent offline.
      expect((await agent(creds.agentId)).online).toBe(true);
    });

    it('marks the agent offline when it disconnects', async () => {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      const peer = await hello(creds, 1);
      peer.ws.close(1000);
      await waitFor('agent offline', async () => (await agent(creds.agentId)).online === false);
    });
  });

  describe('bad frames', () => {
    const cases: Array<[string, (peer: AgentPeer) => void, number]> = [
      ['malformed JSON', (p) => p.sendRaw('{"v":1,"type":'), CLOSE_CODES.badMessage],
      ['an unknown message type', (p) => p.send({ v, type: 'format-disk' }), CLOSE_CODES.badMessage],
      ['a schema violation', (p) => p.send({ v, type: 'hello', agentId: 'nope' }), CLOSE_CODES.badMessage],
      ['another protocol version', (p) => p.send({ v: 2, type: 'hello' }), CLOSE_CODES.protocolVersion],
      ['an oversized frame', (p) => p.sendRaw('x'.repeat(LIMITS.maxMessageBytes + 1)), CLOSE_CODES.tooBig],
    ];

    it.each(cases)('closes on %s with the right code and keeps serving other agents', async (_name, sendBad, expectedCode) => {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      const bystander = await hello(creds, 1);
      const offender = await connect();
      sendBad(offender);
      expect(await offender.closeCode()).toBe(expectedCode);
      await roundTrip(bystander);
      expect(t.logger.records.filter((r) => r.msg === 'agent connection refused')).toHaveLength(1);
    });

    it('closes an authenticated agent that sends garbage, without losing what it sent before', async () => {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      const peer = await hello(creds, 1);
      peer.send({ v, type: 'events', events: [sampleEvent({ seq: 1 })] });
      await peer.next('ack');
      peer.sendRaw('not json');
      expect(await peer.closeCode()).toBe(CLOSE_CODES.badMessage);
      expect((await agent(creds.agentId)).ackedSeq).toBe(1);
    });
  });

  describe('events', () => {
    it('stores a batch exactly once when sent twice, and acks only after commit', async () => {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      const peer = await hello(creds, 1);
      const batch = [1, 2, 3].map((seq) => sampleEvent({ seq, occurredAt: `2026-03-0${seq}T10:00:00.000Z` }));
      peer.send({ v, type: 'events', events: batch });
      expect((await peer.next('ack')).upTo).toBe(3);
      // Committed by the time the ack arrived: the very next query sees all of it.
      const stored = await t.admin.json<Page<StoredEvent>>('GET', '/api/v1/events');
      expect(stored.body.items.map((e) => e.seq)).toEqual([3, 2, 1]);
      expect(stored.body.items[0]).toMatchObject({ ...batch[2], agentId: creds.agentId, receivedAt: expect.any(String) });

      peer.send({ v, type: 'events', events: batch });
      expect((await peer.next('ack', 1)).upTo).toBe(3);
      expect((await t.admin.json<Page<StoredEvent>>('GET', '/api/v1/events')).body.items).toHaveLength(3);

      // A reconnecting agent learns what is already committed and can trim its outbox.
      peer.close();
      const again = await hello(creds, 1);
      expect(again.received[0]).toMatchObject({ type: 'welcome', ackedSeq: 3 });
      expect((await agent(creds.agentId)).ackedSeq).toBe(3);
    });

    it('handles batches of one connection strictly in order', async () => {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      const peer = await hello(creds, 1);
      for (let b = 0; b < 20; b++) {
        peer.send({ v, type: 'events', events: Array.from({ length: 50 }, (_, i) => sampleEvent({ seq: b * 50 + i + 1 })) });
      }
      await peer.next('ack', 19);
      expect(peer.received.filter((m) => m.type === 'ack').map((m) => (m.type === 'ack' ? m.upTo : -1))).toEqual(Array.from({ length: 20 }, (_, b) => (b + 1) * 50));
      expect((await agent(creds.agentId)).ackedSeq).toBe(1000);
    });

    it('commits pipelined batches as they arrive, and a failed one stops every later ack and keeps the acked seq before it', async () => {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      // A real database failure for any transaction holding seq 60 (the second batch).
      const db = await SqliteWorkerDatabase.open(path.join(t.dataDir, 'console.sqlite'));
      await db.exec("CREATE TRIGGER fail_seq_60 BEFORE INSERT ON events WHEN NEW.seq = 60 BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
      const batchOf = (b: number): StoredEvent[] => Array.from({ length: 50 }, (_, i) => ({ ...sampleEvent({ seq: b * 50 + i + 1 }), agentId: '', receivedAt: '' }));
      const strip = (events: StoredEvent[]): ReturnType<typeof sampleEvent>[] => events.map(({ agentId: _a, receivedAt: _r, ...event }) => event);
      const peer = await hello(creds, 1);
      // Sent back to back, as the agent pipelines its outbox.
      for (let b = 0; b < 6; b++) peer.send({ v, type: 'events', events: strip(batchOf(b)) });
      expect(await peer.closeCode()).toBe(1011);
      const acks = peer.received.filter((m) => m.type === 'ack').map((m) => (m.type === 'ack' ? m.upTo : -1));
      expect(acks).toEqual([50]);
      // Later batches may be stored, but the acked seq never passes the failed one: the agent
      // resumes from it.
      expect((await agent(creds.agentId)).ackedSeq).toBe(50);

      await db.exec('DROP TRIGGER fail_seq_60');
      await db.close();
      const again = await hello(creds, 1);
      expect(again.received[0]).toMatchObject({ type: 'welcome', ackedSeq: 50 });
      for (let b = 1; b < 6; b++) again.send({ v, type: 'events', events: strip(batchOf(b)) });
      await again.next('ack', 4);
      expect(again.received.filter((m) => m.type === 'ack').map((m) => (m.type === 'ack' ? m.upTo : -1))).toEqual([100, 150, 200, 250, 300]);
      expect((await agent(creds.agentId)).ackedSeq).toBe(300);
      const stored = await t.admin.json<Page<StoredEvent>>('GET', '/api/v1/events?limit=1000');
      expect(stored.body.items.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    });

    it('records policy receipts and capability reports', async () => {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      const peer = await hello(creds);
      const capabilities = {
        apps: { method: 'proc-scan', preExec: false, failMode: 'open' },
        usb: { method: 'sysfs-authorized', mountGuard: true },
        screen: { captureToolBlocking: true, windowCaptureExclusion: false },
        notes: ['window capture exclusion: not available on Linux'],
      } as const;
      peer.send({ v, type: 'policy-receipt', serial: 1, hash: 'c'.repeat(64), status: 'applied' });
      peer.send({ v, type: 'capabilities', capabilities });
      await roundTrip(peer);
      expect(await agent(creds.agentId)).toMatchObject({
        policySerial: 1,
        capabilities,
        lastPolicyReceipt: { serial: 1, hash: 'c'.repeat(64), status: 'applied', error: null, receivedAt: expect.any(String) },
      });
    });
  });

  describe('pushes', () => {
    it('pushes a newly published version of its group policy to a connected agent at once', async () => {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      const peer = await hello(creds, 1);
      const policies = await t.admin.json<{ items: Array<{ id: string }> }>('GET', '/api/v1/policies');
      const defaultId = policies.body.items[0]?.id ?? '';
      const update = await t.admin.json('PUT', `/api/v1/policies/${defaultId}`, {
        document: { schema: 'dlp.policy/v1', name: 'Default', mode: 'enforce', usb: { defaultAction: 'block' } },
      });
      expect(update.status).toBe(200);
      const { policy } = await peer.next('policy');
      expect(policy.bundle).toMatchObject({ policyId: defaultId, version: 2, serial: 2, document: { mode: 'enforce', usb: { defaultAction: 'block' } } });
      expect(verifySignedPolicy(policy, creds.publicKey)).toEqual({ ok: true });

      // A policy of no group of this agent is not pushed.
      await t.admin.json('POST', '/api/v1/policies', { document: { schema: 'dlp.policy/v1', name: 'Other', mode: 'monitor' } });
      await roundTrip(peer);
      expect(peer.received.filter((m) => m.type === 'policy')).toHaveLength(1);
    });

    it('pushes the policy newly assigned to its group', async () => {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      const peer = await hello(creds, 1);
      const created = await t.admin.json<{ policy: { id: string; serial: number } }>('POST', '/api/v1/policies', {
        document: { schema: 'dlp.policy/v1', name: 'Strict', mode: 'enforce' },
      });
      await t.admin.json('PUT', '/api/v1/groups/default/policy', { policyId: created.body.policy.id });
      const { policy } = await peer.next('policy');
      expect(policy.bundle).toMatchObject({ policyId: created.body.policy.id, serial: created.body.policy.serial });
    });

    it('revoking an agent closes its socket with 4403 and refuses its later hellos', async () => {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      const peer = await hello(creds, 1);
      const revoked = await t.admin.json<{ agent: AgentSummary }>('POST', `/api/v1/agents/${creds.agentId}/revoke`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.agent).toMatchObject({ revoked: true });
      expect(await peer.closeCode()).toBe(CLOSE_CODES.revoked);

      const later = await connect();
      later.send({ v, type: 'hello', agentId: creds.agentId, token: creds.token, agent: TEST_AGENT_INFO, policySerial: 1 });
      expect(await later.next('error')).toMatchObject({ code: 'revoked' });
      expect(await later.closeCode()).toBe(CLOSE_CODES.revoked);
      expect(await agent(creds.agentId)).toMatchObject({ revoked: true, online: false });
    });
  });
});

describe('agent gateway timers', () => {
  let t: TestConsole;
  const peers: AgentPeer[] = [];
  beforeEach(async () => {
    t = await startTestConsole({ gateway: { helloTimeoutMs: 300, pingIntervalMs: 100, livenessTimeoutMs: 500 } });
  });
  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await t.stop();
  });

  it('closes a connection that never says hello with 4408', async () => {
    const peer = await AgentPeer.connect(t.console.agentUrl);
    peers.push(peer);
    expect(await peer.closeCode()).toBe(CLOSE_CODES.helloTimeout);
  });

  it('drops an agent that stops answering pings and marks it offline', async () => {
    const secret = await createEnrollSecret(t.admin);
    const creds = await enrollAgent(t.console.agentUrl, secret);
    // autoPong off: the socket stays open but the peer looks dead to the console.
    const silent = await AgentPeer.connect(t.console.agentUrl, { autoPong: false });
    peers.push(silent);
    silent.send({ v, type: 'hello', agentId: creds.agentId, token: creds.token, agent: TEST_AGENT_INFO, policySerial: 1 });
    await silent.next('welcome');
    // A live agent (pongs automatically) on the same console is not affected.
    const live = await helloAgent(t.console.agentUrl, await enrollAgent(t.console.agentUrl, secret), 1);
    peers.push(live);
    await silent.closeCode();
    await waitFor('silent agent offline', async () => {
      const res = await t.admin.json<{ agent: AgentSummary }>('GET', `/api/v1/agents/${creds.agentId}`);
      return res.body.agent.online === false;
    });
    live.send({ v, type: 'heartbeat', sentAt: new Date().toISOString() });
    await live.next('heartbeat');
  });
});
