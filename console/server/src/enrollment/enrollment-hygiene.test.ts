import { CLOSE_CODES, PROTOCOL_VERSION as v, type EnrollRequestSummary, type EnrollSecretSummary } from '@dlp/shared';
import { runCli } from '../cli/dlp-commands';
import { AgentPeer, TEST_AGENT_INFO } from '../testing/agent-peer';
import { createMemoryLogger } from '../testing/memory-logger';
import { startTestConsole, type TestConsole } from '../testing/test-console';

interface AuditRow {
  action: string;
  actor: unknown;
  target?: { type: string; id: string };
  after?: Record<string, unknown>;
}

describe('enrollment hygiene', () => {
  let t: TestConsole;
  beforeEach(async () => {
    t = await startTestConsole();
  });
  afterEach(async () => {
    await t.stop();
  });

  const createSecret = async (body: Record<string, unknown>): Promise<{ id: string; secret: string }> => {
    const res = await t.admin.json<{ id: string; secret: string }>('POST', '/api/v1/enroll-secrets', { label: 'limited', ...body });
    expect(res.status).toBe(201);
    return res.body;
  };

  /** One enroll attempt over a real ws: the first answer (enrolled or error) and the close code. */
  const enrollOnce = async (secret: string, requestKey?: string, hostname = TEST_AGENT_INFO.hostname) => {
    const peer = await AgentPeer.connect(t.console.agentUrl);
    peer.send({ v, type: 'enroll', secret, agent: { ...TEST_AGENT_INFO, hostname }, ...(requestKey !== undefined ? { requestKey } : {}) });
    const first = await Promise.race([peer.next('enrolled').then((m) => ({ enrolled: m })), peer.next('error').then((m) => ({ error: m }))]);
    const code = await peer.closeCode();
    peer.close();
    return { ...first, code };
  };

  const secrets = async () => (await t.admin.json<{ items: EnrollSecretSummary[] }>('GET', '/api/v1/enroll-secrets')).body.items;
  const auditRows = async (action: string) => (await t.admin.json<{ items: AuditRow[] }>('GET', `/api/v1/audit?action=${action}&limit=50`)).body.items;

  it('stops a secret after its maximum use count and after its expiry', async () => {
    const limited = await createSecret({ maxUses: 2 });
    expect((await enrollOnce(limited.secret)).code).toBe(1000);
    expect((await enrollOnce(limited.secret)).code).toBe(1000);
    const third = await enrollOnce(limited.secret);
    expect(third).toMatchObject({ code: CLOSE_CODES.unauthorized, error: { code: 'enroll_secret_used_up' } });
    expect((await secrets()).find((s) => s.id === limited.id)).toMatchObject({ maxUses: 2, uses: 2, needsApproval: false });

    const past = await t.admin.json('POST', '/api/v1/enroll-secrets', { label: 'old', expiresAt: '2020-01-01T00:00:00.000Z' });
    expect(past).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const soon = await createSecret({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await enrollOnce(soon.secret)).code).toBe(1000);
    const audit = await auditRows('enroll_secret.create');
    expect(audit[0]?.after).toMatchObject({ label: 'limited', maxUses: null, expiresAt: expect.any(String), needsApproval: false });
    expect(JSON.stringify(audit)).not.toContain(soon.secret);
  });

  it('rate limits enrollments per secret with a retry time the agent can honour', async () => {
    const slow = await createSecret({ ratePerMinute: 3 });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await enrollOnce(slow.secret, undefined, `ws-${i}`));
    expect(results.map((r) => r.code)).toEqual([1000, 1000, 1000, CLOSE_CODES.rateLimited, CLOSE_CODES.rateLimited]);
    expect(results[3]).toMatchObject({ error: { code: 'rate_limited', retryAfterMs: expect.any(Number) } });
    const limited = results[3];
    const retryAfterMs = limited !== undefined && 'error' in limited ? (limited.error.retryAfterMs ?? 0) : 0;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(20_000);
    // Another secret has its own budget.
    const other = await createSecret({ ratePerMinute: 3 });
    expect((await enrollOnce(other.secret)).code).toBe(1000);
  });

  it('keeps agents of an approval secret pending until an admin approves (REST), and refuses rejected ones', async () => {
    const approval = await createSecret({ needsApproval: true });
    const keyA = 'a'.repeat(32);
    const keyB = 'b'.repeat(32);
    expect(await enrollOnce(approval.secret)).toMatchObject({ code: CLOSE_CODES.unauthorized, error: { code: 'request_key_required' } });
    const waiting = await enrollOnce(approval.secret, keyA, 'ws-pending-a');
    expect(waiting).toMatchObject({ code: CLOSE_CODES.enrollPending, error: { code: 'enroll_pending', retryAfterMs: 30_000 } });
    // Asking again with the same key is the same request, not a second one.
    expect((await enrollOnce(approval.secret, keyA, 'ws-pending-a')).code).toBe(CLOSE_CODES.enrollPending);
    expect((await enrollOnce(approval.secret, keyB, 'ws-pending-b')).code).toBe(CLOSE_CODES.enrollPending);

    const pending = (await t.admin.json<{ items: EnrollRequestSummary[] }>('GET', '/api/v1/enroll-requests')).body.items;
    expect(pending.map((r) => r.agent.hostname).sort()).toEqual(['ws-pending-a', 'ws-pending-b']);
    expect((await secrets()).find((s) => s.id === approval.id)).toMatchObject({ pending: 2, uses: 0 });
    expect((await t.admin.json('GET', '/api/v1/agents')).body).toMatchObject({ items: [] });

    const a = pending.find((r) => r.agent.hostname === 'ws-pending-a');
    const b = pending.find((r) => r.agent.hostname === 'ws-pending-b');
    expect(await t.admin.json('POST', `/api/v1/enroll-requests/${a?.id ?? ''}/approve`)).toEqual({ status: 200, body: { id: a?.id, status: 'approved' } });
    expect((await t.admin.json('POST', `/api/v1/enroll-requests/${a?.id ?? ''}/reject`)).status).toBe(409);
    expect((await t.admin.json('POST', `/api/v1/enroll-requests/${b?.id ?? ''}/reject`)).status).toBe(200);
    expect((await t.admin.json('POST', '/api/v1/enroll-requests/no-such-request/approve')).status).toBe(404);

    const enrolled = await enrollOnce(approval.secret, keyA, 'ws-pending-a');
    expect(enrolled.code).toBe(1000);
    expect('enrolled' in enrolled && enrolled.enrolled.agentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await enrollOnce(approval.secret, keyB, 'ws-pending-b')).toMatchObject({ code: CLOSE_CODES.unauthorized, error: { code: 'enroll_rejected' } });
    const all = (await t.admin.json<{ items: EnrollRequestSummary[] }>('GET', '/api/v1/enroll-requests?status=all')).body.items;
    expect(all.map((r) => [r.agent.hostname, r.status, r.decidedBy]).sort()).toEqual([
      ['ws-pending-a', 'enrolled', 'admin'],
      ['ws-pending-b', 'rejected', 'admin'],
    ]);
    expect((await auditRows('enroll_request.')).map((r) => r.action).sort()).toEqual(['enroll_request.approve', 'enroll_request.reject']);
  });

  it('only admins see and decide enrollment requests', async () => {
    const { createTestUser } = await import('../testing/test-users');
    const officer = await createTestUser(t, 'officer', 'olga');
    expect((await officer.client.json('GET', '/api/v1/enroll-requests')).status).toBe(403);
    expect((await officer.client.json('POST', '/api/v1/enroll-requests/x/approve')).status).toBe(403);
  });

  it('audits every CLI action in the hash chain, and the CLI approves waiting agents', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = (env: NodeJS.ProcessEnv = {}) => ({ out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), env, logger: createMemoryLogger() });
    const cli = (...args: string[]) => runCli([...args, '--data-dir', t.dataDir], io());
    expect(await cli('create-enroll-secret', 'floor 3', '--needs-approval', '--max-uses', '5', '--expires', '30d', '--rate', '10')).toBe(0);
    const secret = /: (\S+) {2}\(shown once\)$/.exec(out[0] ?? '')?.[1] ?? '';
    expect(secret).not.toBe('');
    expect(await cli('create-enroll-secret', 'bad', '--max-uses', '0')).toBe(2);
    expect((await enrollOnce(secret, 'k'.repeat(32), 'ws-cli')).code).toBe(CLOSE_CODES.enrollPending);
    out.length = 0;
    expect(await cli('enroll-requests')).toBe(0);
    const id = (out[0] ?? '').split('\t')[0] ?? '';
    expect(out[0]).toContain('ws-cli');
    expect(await cli('approve-enrollment', id)).toBe(0);
    expect(await cli('approve-enrollment', id)).toBe(1);
    expect((await enrollOnce(secret, 'k'.repeat(32), 'ws-cli')).code).toBe(1000);
    expect(await cli('reset-password', 'nobody-here')).toBe(1);
    expect(await runCli(['audit-verify', '--data-dir', t.dataDir], io())).toBe(0);

    const created = (await auditRows('enroll_secret.create'))[0];
    expect(created).toMatchObject({ actor: { kind: 'system', system: 'cli' }, after: { label: 'floor 3', maxUses: 5, needsApproval: true, ratePerMinute: 10, osUser: expect.any(String) } });
    expect(JSON.stringify(created)).not.toContain(secret);
    expect(await auditRows('enroll_request.approve')).toEqual([expect.objectContaining({ actor: { kind: 'system', system: 'cli' }, target: { type: 'enroll_request', id } })]);
    expect(await auditRows('user.password_reset_failed')).toEqual([expect.objectContaining({ actor: { kind: 'system', system: 'cli' }, after: expect.objectContaining({ reason: 'unknown_user' }) })]);
    expect(await auditRows('audit.verify')).toEqual([expect.objectContaining({ actor: { kind: 'system', system: 'cli' }, after: expect.objectContaining({ ok: true }) })]);
    // The rows the CLI wrote are links of the same hash chain the console verifies.
    const verify = await t.admin.json<{ ok: boolean }>('GET', '/api/v1/audit/verify');
    expect(verify.body.ok).toBe(true);
  });
});
