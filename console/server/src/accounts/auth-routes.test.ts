import path from 'node:path';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import { hashPassword } from '../auth/password-hash';
import { enrollAgent } from '../testing/agent-peer';
import { RestClient } from '../testing/rest-client';
import { createEnrollSecret, startTestConsole, TEST_ADMIN_PASSWORD, type TestConsole } from '../testing/test-console';
import { uuidv7 } from '@dlp/shared';

describe('REST authentication', () => {
  let t: TestConsole;
  beforeEach(async () => {
    t = await startTestConsole();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('logs in with the right password and sets a strict, http-only session cookie', async () => {
    const client = new RestClient(t.console.url);
    const res = await client.login('admin', TEST_ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { id: expect.any(String), username: 'admin', role: 'admin' }, csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^dlp_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; Expires=/);
    // Plain HTTP here: a Secure cookie would never come back.
    expect(cookie).not.toMatch(/; Secure/);
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookie)?.[1] ?? '');
    expect(expires - Date.now()).toBeGreaterThan(11 * 3600 * 1000);
    expect(expires - Date.now()).toBeLessThanOrEqual(12 * 3600 * 1000);
  });

  it('refuses a wrong password or unknown user with 401 invalid_credentials and no cookie', async () => {
    const client = new RestClient(t.console.url);
    for (const [username, password] of [['admin', 'wrong password'], ['nobody', TEST_ADMIN_PASSWORD]] as const) {
      const res = await client.login(username, password);
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.json()).toEqual({ ok: false, error: 'invalid_credentials', message: expect.any(String) });
    }
  });

  it('GET /auth/me answers the session user, and 401 once logged out', async () => {
    expect(await t.admin.json('GET', '/api/v1/auth/me')).toEqual({
      status: 200,
      body: { user: { id: expect.any(String), username: 'admin', role: 'admin' }, csrfToken: t.admin.csrfToken },
    });
    const logout = await t.admin.call('POST', '/api/v1/auth/logout');
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/^dlp_session=;/);
    // The old cookie value is dead on the server, not just forgotten by the browser.
    const me = await t.admin.json('GET', '/api/v1/auth/me');
    expect(me).toEqual({ status: 401, body: { ok: false, error: 'unauthenticated', message: expect.any(String) } });
  });

  it('answers 401 without a session on every protected route', async () => {
    const anonymous = new RestClient(t.console.url);
    for (const [method, route] of [
      ['GET', '/api/v1/events'],
      ['GET', '/api/v1/agents'],
      ['GET', '/api/v1/policies'],
      ['POST', '/api/v1/enroll-secrets'],
      ['GET', '/api/v1/events/stream'],
    ] as const) {
      const res = await anonymous.json(method, route, method === 'POST' ? { label: 'x' } : undefined);
      expect({ route, status: res.status }).toEqual({ route, status: 401 });
    }
  });

  it('never accepts an agent token as REST credentials', async () => {
    const secret = await createEnrollSecret(t.admin);
    const agent = await enrollAgent(t.console.agentUrl, secret);
    const bearer = new RestClient(t.console.url);
    for (const route of ['/api/v1/agents', `/api/v1/agents/${agent.agentId}`, '/api/v1/events', '/api/v1/auth/me']) {
      const res = await bearer.call('GET', route, undefined, { authorization: `Bearer ${agent.token}` });
      expect({ route, status: res.status }).toEqual({ route, status: 401 });
    }
  });

  it('requires the session\'s CSRF token on state-changing requests made with the cookie', async () => {
    const noHeader = await t.admin.call('POST', '/api/v1/enroll-secrets', { label: 'x' }, { 'x-csrf-token': '' });
    expect(noHeader.status).toBe(403);
    expect(await noHeader.json()).toMatchObject({ ok: false, error: 'csrf_failed' });
    const other = new RestClient(t.console.url);
    await other.login('admin', TEST_ADMIN_PASSWORD);
    // Another session's token does not fit this session.
    expect((await t.admin.call('POST', '/api/v1/enroll-secrets', { label: 'x' }, { 'x-csrf-token': other.csrfToken ?? '' })).status).toBe(403);
    expect((await t.admin.call('DELETE', '/api/v1/enroll-secrets/abc', undefined, { 'x-csrf-token': 'forged' })).status).toBe(403);
    expect((await t.admin.json<{ items: unknown[] }>('GET', '/api/v1/enroll-secrets')).body.items).toEqual([]);
    // With the token from login (the client sends it) the same request goes through.
    expect((await t.admin.call('POST', '/api/v1/enroll-secrets', { label: 'x' })).status).toBe(201);
  });

  it('refuses state-changing requests that are not declared JSON with 415', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await t.admin.call('POST', '/api/v1/enroll-secrets', { label: 'x' }, { 'content-type': contentType });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ ok: false, error: 'unsupported_media_type' });
    }
    const list = await t.admin.json<{ items: unknown[] }>('GET', '/api/v1/enroll-secrets');
    expect(list.body.items).toEqual([]);
  });

  it('answers malformed JSON with 400 invalid_json and bad fields with their paths', async () => {
    const malformed = await fetch(`${t.console.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ ok: false, error: 'invalid_json' });

    const bad = await new RestClient(t.console.url).json('POST', '/api/v1/auth/login', { username: '', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ ok: false, error: 'invalid_request', issues: expect.arrayContaining([expect.objectContaining({ path: 'username' }), expect.objectContaining({ path: 'password' })]) });
  });

  it('lets officers read events and agents but not change or read policies', async () => {
    const store = await openSqliteStore({ path: path.join(t.dataDir, 'console.sqlite') });
    await store.users.insert({ id: uuidv7(), username: 'olga', role: 'officer', passwordHash: await hashPassword('officer password'), createdAt: new Date().toISOString(), disabled: false });
    await store.close();

    const officer = new RestClient(t.console.url);
    expect((await officer.login('olga', 'officer password')).status).toBe(200);
    expect((await officer.json('GET', '/api/v1/events')).status).toBe(200);
    expect((await officer.json('GET', '/api/v1/agents')).status).toBe(200);
    expect(await officer.json('GET', '/api/v1/policies')).toEqual({ status: 403, body: { ok: false, error: 'forbidden', message: expect.any(String) } });
    expect((await officer.json('POST', '/api/v1/enroll-secrets', { label: 'x' })).status).toBe(403);
  });
});
