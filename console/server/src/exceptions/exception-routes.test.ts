import { PROTOCOL_VERSION, uuidv7, type ExceptionView, type UninstallCodeIssued, type UnlockCodeIssued } from '@dlp/shared';
import { verifyCanonical, verifyUninstallCode, verifyUnlockCode } from '@dlp/shared/node';
import { enrollAgent, helloAgent, type AgentPeer } from '../testing/agent-peer';
import { createEnrollSecret, startTestConsole, type TestConsole } from '../testing/test-console';
import { createTestUser, type TestUser } from '../testing/test-users';
import { waitFor } from '../testing/wait-for';

const STICK = { vendorId: '0781', productId: '5567', serial: '4C530001230512' };

describe('exceptions and unlock codes', () => {
  let t: TestConsole;
  let creds: Awaited<ReturnType<typeof enrollAgent>>;
  let officer: TestUser;
  const peers: AgentPeer[] = [];
  beforeEach(async () => {
    t = await startTestConsole();
    creds = await enrollAgent(t.console.agentUrl, await createEnrollSecret(t.admin));
    officer = await createTestUser(t, 'officer', 'olga');
  });
  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await t.stop();
  });

  async function connect(): Promise<AgentPeer> {
    const peer = await helloAgent(t.console.agentUrl, creds);
    peers.push(peer);
    return peer;
  }

  async function requestFromAgent(peer: AgentPeer, minutes = 60): Promise<ExceptionView> {
    const requestId = uuidv7();
    const message = { v: PROTOCOL_VERSION, type: 'exception-request', requestId, target: { kind: 'usb-device', device: STICK }, justification: 'quarterly audit export', requestedMinutes: minutes, user: 'alice' };
    peer.send(message);
    // A resend (same requestId) is filed once.
    peer.send(message);
    return waitFor('request filed', async () => {
      const list = await officer.client.json<{ items: ExceptionView[] }>('GET', '/api/v1/exceptions?state=pending');
      return list.body.items.length === 1 ? list.body.items[0] : undefined;
    });
  }

  it('files an agent’s request, lets an officer approve it shortened, and pushes the signed grant at once and at every hello', async () => {
    const peer = await connect();
    const request = await requestFromAgent(peer);
    expect(request).toMatchObject({ agentId: creds.agentId, hostname: 'ws-test-01', state: 'pending', requestedBy: 'alice', requestedMinutes: 60, target: { kind: 'usb-device', device: STICK } });

    const lengthen = await officer.client.json('POST', `/api/v1/exceptions/${request.id}/approve`, { durationMinutes: 61, note: 'ok' });
    expect(lengthen).toMatchObject({ status: 400, body: { error: 'duration_too_long', issues: [expect.objectContaining({ path: 'durationMinutes' })] } });
    const approved = await officer.client.json<{ exception: ExceptionView }>('POST', `/api/v1/exceptions/${request.id}/approve`, { durationMinutes: 30, note: 'for the audit only' });
    expect(approved).toMatchObject({ status: 200, body: { exception: { state: 'approved', grantedMinutes: 30, serial: 1, decisionNote: 'for the audit only', decidedBy: { username: 'olga', role: 'officer' } } } });
    const expiresInMs = Date.parse(approved.body.exception.expiresAt ?? '') - Date.now();
    expect(expiresInMs).toBeGreaterThan(29 * 60_000);
    expect(expiresInMs).toBeLessThanOrEqual(30 * 60_000);

    const pushed = await peer.next('exception');
    expect(pushed.exception.exception).toMatchObject({ id: request.id, agentId: creds.agentId, serial: 1, grantedBy: 'olga', target: { kind: 'usb-device', device: STICK, action: 'allow' } });
    expect(verifyCanonical(pushed.exception.exception, pushed.exception.signature, t.console.consoleKey.publicKey)).toBe(true);
    expect(pushed.exception.keyId).toBe(t.console.consoleKey.keyId);
    peer.send({ v: PROTOCOL_VERSION, type: 'exception-receipt', id: request.id, status: 'applied' });
    await waitFor('delivery', async () => (await officer.client.json<{ exception: ExceptionView }>('GET', `/api/v1/exceptions/${request.id}`)).body.exception.delivery?.status === 'applied');

    // An agent that was offline gets it at its next hello.
    peer.close();
    const again = await connect();
    expect((await again.next('exception')).exception.exception.id).toBe(request.id);
    expect(await officer.client.json('POST', `/api/v1/exceptions/${request.id}/approve`, { note: 'twice' })).toMatchObject({ status: 409, body: { error: 'already_decided' } });

    const audit = await t.admin.json<{ items: Array<{ action: string; actor: { username?: string; system?: string } }> }>('GET', '/api/v1/audit?action=exception.');
    expect(audit.body.items.map((e) => [e.action, e.actor.username ?? e.actor.system])).toEqual([
      ['exception.approve', 'olga'],
      ['exception.request', `agent:${creds.agentId}`],
    ]);
  });

  it('never lets anyone decide on a request they made', async () => {
    const peer = await connect();
    const fromAlice = await requestFromAgent(peer);
    const alice = await createTestUser(t, 'officer', 'alice');
    expect(await alice.client.json('POST', `/api/v1/exceptions/${fromAlice.id}/approve`, { note: 'mine' })).toMatchObject({ status: 403, body: { error: 'own_request' } });
    expect(await alice.client.json('POST', `/api/v1/exceptions/${fromAlice.id}/deny`, { reason: 'mine' })).toMatchObject({ status: 403, body: { error: 'own_request' } });

    const filed = await t.admin.json<{ exception: ExceptionView }>('POST', '/api/v1/exceptions', {
      agentId: creds.agentId,
      target: { kind: 'app', sha256: 'e'.repeat(64), exePath: '/opt/vendor/tool' },
      justification: 'vendor support session',
      requestedMinutes: 120,
    });
    expect(filed).toMatchObject({ status: 201, body: { exception: { state: 'pending', createdBy: { username: 'admin', role: 'admin' }, requestedBy: null } } });
    expect(await t.admin.json('POST', `/api/v1/exceptions/${filed.body.exception.id}/approve`, { note: 'self' })).toMatchObject({ status: 403, body: { error: 'own_request' } });
    const ok = await officer.client.json<{ exception: ExceptionView }>('POST', `/api/v1/exceptions/${filed.body.exception.id}/approve`, { note: 'second pair of eyes' });
    expect(ok.body.exception).toMatchObject({ state: 'approved', grantedMinutes: 120 });
    expect((await peer.next('exception')).exception.exception.target).toEqual({ kind: 'app', sha256: 'e'.repeat(64) });
  });

  it('denies with a reason, revokes an approved grant on the agent, and re-sends unconfirmed revokes', async () => {
    const peer = await connect();
    const first = await requestFromAgent(peer);
    expect(await officer.client.json('POST', `/api/v1/exceptions/${first.id}/deny`, { reason: '' })).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ path: 'reason' })] } });
    const denied = await officer.client.json<{ exception: ExceptionView }>('POST', `/api/v1/exceptions/${first.id}/deny`, { reason: 'use the shared drive' });
    expect(denied.body.exception).toMatchObject({ state: 'denied', decisionNote: 'use the shared drive' });
    expect((await officer.client.json('POST', `/api/v1/exceptions/${first.id}/revoke`, {})).status).toBe(409);

    const second = await t.admin.json<{ exception: ExceptionView }>('POST', '/api/v1/exceptions', { agentId: creds.agentId, target: { kind: 'usb-device', device: STICK }, justification: 'again', requestedMinutes: 60 });
    await officer.client.json('POST', `/api/v1/exceptions/${second.body.exception.id}/approve`, { note: 'ok', readOnly: true });
    expect((await peer.next('exception')).exception.exception.target).toMatchObject({ action: 'read-only' });
    const revoked = await officer.client.json<{ exception: ExceptionView }>('POST', `/api/v1/exceptions/${second.body.exception.id}/revoke`, { reason: 'stick lost' });
    expect(revoked.body.exception).toMatchObject({ state: 'revoked', revokedAt: expect.any(String) });
    expect(await peer.next('exception-revoke')).toMatchObject({ id: second.body.exception.id, serial: 1 });

    peer.close();
    const back = await connect();
    expect(await back.next('exception-revoke')).toMatchObject({ id: second.body.exception.id });
    back.send({ v: PROTOCOL_VERSION, type: 'exception-receipt', id: second.body.exception.id, status: 'applied', action: 'revoke' });
    await waitFor('revoke confirmed', async () => (await officer.client.json<{ exception: ExceptionView }>('GET', `/api/v1/exceptions/${second.body.exception.id}`)).body.exception.delivery?.action === 'revoke');
    back.close();
    const third = await connect();
    // Frames are handled in order: once the heartbeat is answered, everything hello sends has arrived.
    third.send({ v: PROTOCOL_VERSION, type: 'heartbeat', sentAt: new Date().toISOString() });
    await third.next('heartbeat');
    expect(third.received.map((m) => m.type)).not.toContain('exception-revoke');
    expect(third.received.map((m) => m.type)).not.toContain('exception');

    expect((await officer.client.json<{ items: ExceptionView[] }>('GET', '/api/v1/exceptions?state=revoked')).body.items.map((e) => e.id)).toEqual([second.body.exception.id]);
    expect((await officer.client.json('GET', '/api/v1/exceptions?state=bogus')).status).toBe(400);
  });

  it('issues offline unlock codes the agent can verify with the key it got at enrollment', async () => {
    expect(creds.unlockKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const issued = await officer.client.json<UnlockCodeIssued>('POST', `/api/v1/agents/${creds.agentId}/unlock-codes`, { ...STICK, durationMinutes: 90, reason: 'no network on site' });
    expect(issued).toMatchObject({ status: 201, body: { agentId: creds.agentId, device: STICK, code: expect.stringMatching(/^([0-9A-Z]{4}-){5}[0-9A-Z]{4}$/) } });
    const verdict = verifyUnlockCode(Buffer.from(creds.unlockKey ?? '', 'base64'), creds.agentId, STICK, issued.body.code, Date.now(), new Set());
    expect(verdict).toMatchObject({ ok: true });
    expect(verifyUnlockCode(Buffer.from(creds.unlockKey ?? '', 'base64'), creds.agentId, { ...STICK, serial: 'OTHER' }, issued.body.code, Date.now(), new Set())).toMatchObject({ ok: false, reason: 'not-valid' });

    const audit = await t.admin.json<{ items: unknown[] }>('GET', '/api/v1/audit?action=unlock_code.issue');
    expect(audit.body.items).toEqual([expect.objectContaining({ actor: expect.objectContaining({ username: 'olga' }), target: { type: 'agent', id: creds.agentId } })]);
    expect(JSON.stringify(audit.body)).not.toContain(issued.body.code);

    expect(await officer.client.json('POST', `/api/v1/agents/${creds.agentId}/unlock-codes`, { ...STICK, vendorId: 'XYZ', durationMinutes: 90, reason: 'x' })).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ path: 'vendorId' })] } });
    expect((await officer.client.json('POST', `/api/v1/agents/${uuidv7()}/unlock-codes`, { ...STICK, durationMinutes: 90, reason: 'x' })).status).toBe(404);
    const auditor = await createTestUser(t, 'auditor');
    expect((await auditor.client.json('POST', `/api/v1/agents/${creds.agentId}/unlock-codes`, { ...STICK, durationMinutes: 90, reason: 'x' })).status).toBe(403);
    expect((await auditor.client.json('GET', '/api/v1/exceptions')).status).toBe(200);
  });

  it('issues uninstall codes to admins only, which the agent accepts and an unlock check refuses', async () => {
    const key = Buffer.from(creds.unlockKey ?? '', 'base64');
    const issued = await t.admin.json<UninstallCodeIssued>('POST', `/api/v1/agents/${creds.agentId}/uninstall-codes`, { durationMinutes: 120, reason: 'workstation decommissioned' });
    expect(issued).toMatchObject({ status: 201, body: { agentId: creds.agentId, code: expect.stringMatching(/^([0-9A-Z]{4}-){5}[0-9A-Z]{4}$/) } });
    expect(verifyUninstallCode(key, creds.agentId, issued.body.code, Date.now(), new Set())).toMatchObject({ ok: true });
    expect(verifyUnlockCode(key, creds.agentId, STICK, issued.body.code, Date.now(), new Set())).toMatchObject({ ok: false, reason: 'not-valid' });

    const audit = await t.admin.json<{ items: unknown[] }>('GET', '/api/v1/audit?action=uninstall_code.issue');
    expect(audit.body.items).toEqual([expect.objectContaining({ target: { type: 'agent', id: creds.agentId } })]);
    expect(JSON.stringify(audit.body)).not.toContain(issued.body.code);
    // Officers issue unlock codes, not uninstall codes; a week at most.
    expect((await officer.client.json('POST', `/api/v1/agents/${creds.agentId}/uninstall-codes`, { durationMinutes: 60, reason: 'x' })).status).toBe(403);
    expect(await t.admin.json('POST', `/api/v1/agents/${creds.agentId}/uninstall-codes`, { durationMinutes: 7 * 24 * 60 + 1, reason: 'x' })).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ path: 'durationMinutes' })] } });
  });
});
