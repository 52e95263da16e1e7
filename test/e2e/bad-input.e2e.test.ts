import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLOSE_CODES, LIMITS, PROTOCOL_VERSION } from '@dlp/shared';
import { AgentPeer, TEST_AGENT_INFO } from '../../console/server/src/testing/agent-peer';
import { Fleet } from './harness/fleet';

// Principle 5: every boundary validates; bad input gets a clear error and never crashes a process.
// Hostile clients hit the real console process while a real agent stays connected.
describe('end to end: bad input never takes the console down', () => {
  const fleet = new Fleet();
  beforeAll(() => fleet.start(), 60_000);
  afterAll(() => fleet.stop());

  const agentUrl = (): string => `ws://127.0.0.1:${fleet.console.port}/agent`;
  const credentials = (): { agentId: string; token: string } =>
    JSON.parse(readFileSync(path.join(fleet.agentDir, 'credentials.json'), 'utf8')) as { agentId: string; token: string };

  async function closeCodeAfter(frame: string | Buffer): Promise<number> {
    const peer = await AgentPeer.connect(agentUrl());
    peer.sendRaw(frame);
    return peer.closeCode();
  }

  it('closes each bad connection with its own code and keeps serving the real agent', async () => {
    const hello = { v: PROTOCOL_VERSION, type: 'hello', agentId: credentials().agentId, token: 'x'.repeat(43), agent: TEST_AGENT_INFO, policySerial: null };
    expect(await closeCodeAfter('{"v":1,"type":')).toBe(CLOSE_CODES.badMessage);
    expect(await closeCodeAfter(JSON.stringify({ v: PROTOCOL_VERSION, type: 'self-destruct' }))).toBe(CLOSE_CODES.badMessage);
    expect(await closeCodeAfter(JSON.stringify({ ...hello, v: 2 }))).toBe(CLOSE_CODES.protocolVersion);
    expect(await closeCodeAfter(Buffer.alloc(LIMITS.maxMessageBytes + 1, 0x20))).toBe(CLOSE_CODES.tooBig);
    expect(await closeCodeAfter(JSON.stringify(hello))).toBe(CLOSE_CODES.unauthorized);
    expect(await closeCodeAfter(JSON.stringify({ v: PROTOCOL_VERSION, type: 'enroll', secret: 'wrong-secret-wrong-secret', agent: TEST_AGENT_INFO }))).toBe(CLOSE_CODES.unauthorized);

    const health = await fetch(`${fleet.console.url}/healthz`);
    expect(health.status).toBe(200);
    const agent = await fleet.waitForAgent('the real agent still online', (a) => a.online);
    expect(agent.id).toBe(fleet.agentId);
    expect(fleet.console.child.exitCode).toBeNull();
  }, 60_000);

  it('refuses the agent token on the admin API', async () => {
    const res = await fetch(`${fleet.console.url}/api/v1/agents`, { headers: { authorization: `Bearer ${credentials().token}` } });
    expect(res.status).toBe(401);
  });

  it('answers invalid policies and queries with 400 and the field path', async () => {
    const policy = await fleet.defaultPolicy();
    const bad = await fleet.admin.json<{ error: string; issues: Array<{ path: string }> }>('PUT', `/api/v1/policies/${policy.policy.id}`, {
      document: { schema: 'dlp.policy/v1', name: 'Default', mode: 'enforce', apps: { rules: [{ id: 'r', action: 'block', kind: 'sha256', value: 'nope' }] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.path)).toContain('apps.rules.0.value');
    const query = await fleet.admin.json<{ issues: Array<{ path: string }> }>('GET', '/api/v1/events?limit=abc&from=yesterday');
    expect(query.status).toBe(400);
    expect(query.body.issues.map((i) => i.path).sort()).toEqual(['from', 'limit']);
  });

  it('disconnects a revoked agent at once and refuses its token afterwards', async () => {
    const revoke = await fleet.admin.json('POST', `/api/v1/agents/${fleet.agentId}/revoke`);
    expect(revoke.status).toBe(200);
    await fleet.waitForAgent('the revoked agent to go offline', (a) => !a.online && a.revoked);
    const { agentId, token } = credentials();
    const peer = await AgentPeer.connect(agentUrl());
    peer.send({ v: PROTOCOL_VERSION, type: 'hello', agentId, token, agent: TEST_AGENT_INFO, policySerial: null });
    expect(await peer.closeCode()).toBe(CLOSE_CODES.revoked);
  }, 30_000);
});
