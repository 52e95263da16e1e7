import { BlockList } from 'node:net';
import { PROTOCOL_VERSION as v, type EnrollRequestSummary } from '@dlp/shared';
import { forwardedClientAddress, parseTrustedProxies } from '../http/trusted-proxies';
import { AgentPeer, TEST_AGENT_INFO } from '../testing/agent-peer';
import { startTestConsole, type TestConsole } from '../testing/test-console';

/** Integration: the agent's address the gateway records (pending enrollments, logs) follows `--trust-proxy` like REST. */

describe('agent gateway behind a reverse proxy', () => {
  let t: TestConsole | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  /** Files a pending enrollment over a real ws upgrade that carries `forwardedFor`; returns the address the admin sees. */
  const pendingAddress = async (console: TestConsole, forwardedFor: string, hostname: string): Promise<string | null | undefined> => {
    const created = await console.admin.json<{ secret: string }>('POST', '/api/v1/enroll-secrets', { label: hostname, needsApproval: true });
    expect(created.status).toBe(201);
    const peer = await AgentPeer.connect(console.console.agentUrl, { headers: { 'X-Forwarded-For': forwardedFor } });
    peer.send({ v, type: 'enroll', secret: created.body.secret, agent: { ...TEST_AGENT_INFO, hostname }, requestKey: hostname.padEnd(32, 'k') });
    expect(await peer.next('error')).toMatchObject({ code: 'enroll_pending' });
    await peer.closeCode();
    peer.close();
    const pending = (await console.admin.json<{ items: EnrollRequestSummary[] }>('GET', '/api/v1/enroll-requests')).body.items;
    return pending.find((r) => r.agent.hostname === hostname)?.remoteAddress;
  };

  it('believes X-Forwarded-For on the upgrade request only from a trusted proxy, walking past trusted hops only', async () => {
    t = await startTestConsole({ trustProxy: '127.0.0.1,::1' });
    expect(await pendingAddress(t, '203.0.113.7', 'behind-proxy')).toBe('203.0.113.7');
    // A client prepending an address of its choice does not get it: the proxy appended the real one.
    expect(await pendingAddress(t, '198.51.100.9, 203.0.113.8', 'spoofing-client')).toBe('203.0.113.8');
  });

  it('ignores X-Forwarded-For without --trust-proxy (anyone can send it)', async () => {
    t = await startTestConsole();
    const address = await pendingAddress(t, '203.0.113.7', 'direct');
    expect(address).not.toBe('203.0.113.7');
    expect(address).toMatch(/127\.0\.0\.1|::1/);
  });
});

describe('forwardedClientAddress', () => {
  const trusted = parseTrustedProxies('10.0.0.0/8');

  it('is the TCP peer when nothing is trusted or no header came', () => {
    expect(forwardedClientAddress('10.0.0.5', '203.0.113.7', undefined)).toBe('10.0.0.5');
    expect(forwardedClientAddress('10.0.0.5', undefined, trusted)).toBe('10.0.0.5');
    expect(forwardedClientAddress(undefined, undefined, trusted)).toBe('unknown');
  });

  it('ignores the header from an untrusted peer', () => {
    expect(forwardedClientAddress('192.0.2.1', '203.0.113.7', trusted)).toBe('192.0.2.1');
  });

  it('walks from the right past trusted hops, through several headers, and stops at the first untrusted one', () => {
    expect(forwardedClientAddress('10.0.0.5', '198.51.100.9, 203.0.113.7, 10.1.2.3', trusted)).toBe('203.0.113.7');
    expect(forwardedClientAddress('10.0.0.5', ['198.51.100.9', '10.1.2.3'], trusted)).toBe('198.51.100.9');
    // Every hop trusted: the leftmost one is the client (as Express does).
    expect(forwardedClientAddress('::ffff:10.0.0.5', '10.9.9.9, 10.1.2.3', trusted)).toBe('10.9.9.9');
  });

  it('never takes header text that is not an IP address', () => {
    expect(forwardedClientAddress('10.0.0.5', '203.0.113.7, <script>', trusted)).toBe('10.0.0.5');
    expect(forwardedClientAddress('10.0.0.5', '', trusted)).toBe('10.0.0.5');
    expect(forwardedClientAddress('10.0.0.5', 'x'.repeat(10_000), new BlockList())).toBe('10.0.0.5');
  });
});
