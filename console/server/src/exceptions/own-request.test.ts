import { PROTOCOL_VERSION, uuidv7, type ExceptionView } from '@dlp/shared';
import { enrollAgent, helloAgent, type AgentPeer } from '../testing/agent-peer';
import { BearerClient } from '../testing/rest-client';
import { createEnrollSecret, startTestConsole, type TestConsole } from '../testing/test-console';
import { createTestApiToken, createTestUser, type TestUser } from '../testing/test-users';
import { waitFor } from '../testing/wait-for';

// Separation of duties by person: nobody decides a request they made, whether they act with their
// session or any API token of theirs, and whether they filed it at the console or asked from their
// workstation under a domain account the identity mapping ties to them.

const STICK = { vendorId: '0781', productId: '5567', serial: '4C530001230512' };
const OTHER_STICK = { ...STICK, serial: 'OTHER-0001' };

describe('own exception requests, by any credential', () => {
  let t: TestConsole;
  let creds: Awaited<ReturnType<typeof enrollAgent>>;
  let peer: AgentPeer;
  let officer1: TestUser;
  let reviewer: TestUser;

  beforeEach(async () => {
    t = await startTestConsole();
    creds = await enrollAgent(t.console.agentUrl, await createEnrollSecret(t.admin));
    peer = await helloAgent(t.console.agentUrl, creds);
    officer1 = await createTestUser(t, 'officer', 'officer1');
    reviewer = await createTestUser(t, 'officer', 'reviewer');
  });
  afterEach(async () => {
    peer.close();
    await t.stop();
  });

  /** The agent files a USB request for `user`, as the workstation reports them. */
  async function requestFromWorkstation(user: string, device = STICK): Promise<ExceptionView> {
    const requestId = uuidv7();
    peer.send({ v: PROTOCOL_VERSION, type: 'exception-request', requestId, target: { kind: 'usb-device', device }, justification: 'copy the audit pack', requestedMinutes: 60, user });
    return waitFor('request filed', async () => {
      const list = await reviewer.client.json<{ items: ExceptionView[] }>('GET', '/api/v1/exceptions?state=pending');
      return list.body.items.find((e) => e.requestedBy === user && e.target.kind === 'usb-device' && e.target.device.serial === device.serial);
    });
  }

  async function fileAtConsole(client: { json: TestUser['client']['json'] }): Promise<ExceptionView> {
    const filed = await client.json<{ exception: ExceptionView }>('POST', '/api/v1/exceptions', {
      agentId: creds.agentId,
      target: { kind: 'app', sha256: 'e'.repeat(64), exePath: '/opt/vendor/tool' },
      justification: 'vendor support session',
      requestedMinutes: 120,
    });
    expect(filed.status).toBe(201);
    return filed.body.exception;
  }

  it('an admin cannot approve or deny their own request with their own API token (filed with the session)', async () => {
    const filed = await fileAtConsole(t.admin);
    const ownToken = new BearerClient(t.console.url, await createTestApiToken(t, 'admin', 'admin automation'));
    expect(await ownToken.json('POST', `/api/v1/exceptions/${filed.id}/approve`, { note: 'self via token' })).toMatchObject({ status: 403, body: { error: 'own_request' } });
    expect(await ownToken.json('POST', `/api/v1/exceptions/${filed.id}/deny`, { reason: 'self via token' })).toMatchObject({ status: 403, body: { error: 'own_request' } });
    expect(await t.admin.json('POST', `/api/v1/exceptions/${filed.id}/approve`, { note: 'self' })).toMatchObject({ status: 403, body: { error: 'own_request' } });
    expect((await reviewer.client.json('POST', `/api/v1/exceptions/${filed.id}/approve`, { note: 'four eyes' })).status).toBe(200);
  });

  it('a request filed with one API token cannot be decided with the session or another token of the same person', async () => {
    const first = new BearerClient(t.console.url, await createTestApiToken(t, 'officer', 'ticket bot'));
    const second = new BearerClient(t.console.url, await createTestApiToken(t, 'officer', 'soar bot'));
    const filed = await fileAtConsole(first);
    expect(filed.createdBy).toMatchObject({ username: 'admin', via: 'api-token', tokenName: 'ticket bot' });
    expect(await first.json('POST', `/api/v1/exceptions/${filed.id}/approve`, { note: 'same token' })).toMatchObject({ status: 403, body: { error: 'own_request' } });
    expect(await second.json('POST', `/api/v1/exceptions/${filed.id}/approve`, { note: 'other token' })).toMatchObject({ status: 403, body: { error: 'own_request' } });
    expect(await t.admin.json('POST', `/api/v1/exceptions/${filed.id}/approve`, { note: 'session' })).toMatchObject({ status: 403, body: { error: 'own_request' } });
  });

  it('maps a domain account reported by the agent to the console account (default: strip the domain)', async () => {
    const fromDomain = await requestFromWorkstation('CORP\\officer1');
    expect(await officer1.client.json('POST', `/api/v1/exceptions/${fromDomain.id}/approve`, { note: 'mine' })).toMatchObject({ status: 403, body: { error: 'own_request' } });
    const fromUpn = await requestFromWorkstation('Officer1@corp.example', OTHER_STICK);
    expect(await officer1.client.json('POST', `/api/v1/exceptions/${fromUpn.id}/deny`, { reason: 'mine' })).toMatchObject({ status: 403, body: { error: 'own_request' } });
    // The admin's own token is the admin: a request reported as CORP\admin is theirs too.
    const fromAdmin = await requestFromWorkstation('CORP\\admin', { ...STICK, serial: 'ADMIN-STICK' });
    const adminToken = new BearerClient(t.console.url, await createTestApiToken(t, 'admin', 'admin automation'));
    expect(await adminToken.json('POST', `/api/v1/exceptions/${fromAdmin.id}/approve`, { note: 'mine' })).toMatchObject({ status: 403, body: { error: 'own_request' } });
    const approved = await reviewer.client.json<{ exception: ExceptionView }>('POST', `/api/v1/exceptions/${fromDomain.id}/approve`, { note: 'ok' });
    expect(approved).toMatchObject({ status: 200, body: { exception: { decidedBy: { username: 'reviewer', via: 'session' } } } });
  });

  it('follows the admin’s identity mapping rules, and refuses invalid ones with the field path', async () => {
    expect(await t.admin.json('GET', '/api/v1/settings/identity-mapping')).toEqual({ status: 200, body: { rules: [], stripDomain: true } });
    const bad = await t.admin.json<{ error: string; issues: Array<{ path: string }> }>('PUT', '/api/v1/settings/identity-mapping', { rules: [{ pattern: 'CORP\\jdoe', account: '{user}' }], stripDomain: true });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.path)).toContain('rules.0.account');
    expect((await officer1.client.json('PUT', '/api/v1/settings/identity-mapping', { rules: [], stripDomain: false })).status).toBe(403);

    const mapping = { rules: [{ pattern: 'j.smith@*', account: 'officer1' }], stripDomain: false };
    expect(await t.admin.json('PUT', '/api/v1/settings/identity-mapping', mapping)).toEqual({ status: 200, body: mapping });
    const viaRule = await requestFromWorkstation('J.Smith@corp.example');
    expect(await officer1.client.json('POST', `/api/v1/exceptions/${viaRule.id}/approve`, { note: 'mine' })).toMatchObject({ status: 403, body: { error: 'own_request' } });
    // Without stripping, another domain's officer1 is somebody else.
    const otherDomain = await requestFromWorkstation('LAB\\officer1', OTHER_STICK);
    expect((await officer1.client.json('POST', `/api/v1/exceptions/${otherDomain.id}/approve`, { note: 'not mine' })).status).toBe(200);

    const audit = await t.admin.json<{ items: Array<{ action: string; target: { id: string } }> }>('GET', '/api/v1/audit?action=settings.update');
    expect(audit.body.items.map((e) => e.target.id)).toEqual(['identity-mapping']);
  });

  it('refuses an unlock code for a device the issuing officer asked for from their workstation', async () => {
    await requestFromWorkstation('CORP\\officer1');
    const unlock = (client: TestUser['client'], device: typeof STICK) =>
      client.json('POST', `/api/v1/agents/${creds.agentId}/unlock-codes`, { ...device, durationMinutes: 60, reason: 'offline site' });
    expect(await unlock(officer1.client, STICK)).toMatchObject({ status: 403, body: { error: 'own_request' } });
    expect((await unlock(officer1.client, OTHER_STICK)).status).toBe(201);
    expect((await unlock(reviewer.client, STICK)).status).toBe(201);
  });

  it('names the person and the credential in the audit row of a token decision', async () => {
    const filed = await fileAtConsole(reviewer.client);
    const token = new BearerClient(t.console.url, await createTestApiToken(t, 'officer', 'soc bot'));
    expect((await token.json('POST', `/api/v1/exceptions/${filed.id}/approve`, { note: 'by bot' })).status).toBe(200);
    const audit = await t.admin.json<{ items: Array<{ action: string; actor: { username?: string }; after: { decidedBy?: unknown; createdBy?: unknown } }> }>('GET', '/api/v1/audit?action=exception.approve');
    const row = audit.body.items[0];
    expect(row?.actor.username).toBe('token:soc bot');
    expect(row?.after.decidedBy).toMatchObject({ username: 'admin', via: 'api-token', tokenName: 'soc bot', tokenId: expect.any(String) });
    expect(row?.after.createdBy).toMatchObject({ id: reviewer.id, username: 'reviewer', via: 'session' });
  });
});
