import { LIMITS } from '@dlp/shared';
import { startTestConsole, type TestConsole } from '../testing/test-console';

// Issue 13: REST bodies, queries, headers, cookies and paths get hostile shapes; each gets a 4xx in
// the one error shape, nothing is logged as a failure, and nothing reaches Object.prototype.
describe('REST boundaries under hostile input', () => {
  let t: TestConsole;
  beforeAll(async () => {
    t = await startTestConsole();
  });
  afterAll(() => t.stop());

  interface Probe {
    name: string;
    path: string;
    method?: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    /** Send the admin's session (and CSRF token) with it. */
    asAdmin?: boolean;
  }

  async function send(probe: Probe): Promise<{ name: string; status: number; body: unknown }> {
    const headers: Record<string, string> = { ...(probe.body !== undefined ? { 'content-type': 'application/json' } : {}), ...probe.headers };
    if (probe.asAdmin === true) {
      headers.cookie = t.admin.cookie ?? '';
      headers['x-csrf-token'] = t.admin.csrfToken ?? '';
    }
    const res = await fetch(`${t.console.url}${probe.path}`, { method: probe.method ?? (probe.body !== undefined ? 'POST' : 'GET'), headers, body: probe.body });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: the expectation below fails with the text in view.
    }
    return { name: probe.name, status: res.status, body };
  }

  const oneErrorShape = { ok: false, error: expect.any(String), message: expect.any(String) };

  function expectRefused(answer: { name: string; status: number; body: unknown }, status: number, error?: string): void {
    expect(answer).toEqual({ name: answer.name, status, body: error === undefined ? expect.objectContaining(oneErrorShape) : expect.objectContaining({ ...oneErrorShape, error }) });
  }

  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(t.logger.records.filter((r) => r.level === 'error')).toEqual([]);
  });

  it('bodies: objects posing as strings, prototype keys, huge numbers, deep nesting, bad UTF-8, giant bodies', async () => {
    const login = '/api/v1/auth/login';
    expectRefused(await send({ name: 'toString objects', path: login, body: '{"username":{"toString":1},"password":{"valueOf":1,"toString":1}}' }), 400, 'invalid_request');
    expectRefused(await send({ name: '__proto__ key', path: login, body: '{"__proto__":{"isAdmin":true,"polluted":1},"username":"admin","password":"x"}' }), 400, 'invalid_request');
    expectRefused(await send({ name: 'constructor key', path: login, body: '{"constructor":{"prototype":{"polluted":true}},"username":"admin","password":"x"}' }), 400, 'invalid_request');
    expectRefused(await send({ name: 'huge number', path: login, body: '{"username":1e999,"password":123456789012345678901234567890}' }), 400, 'invalid_request');
    expectRefused(await send({ name: 'deep nesting', path: login, body: `${'['.repeat(200_000)}${']'.repeat(200_000)}` }), 400, 'invalid_json');
    expectRefused(await send({ name: 'deep object', path: login, body: `{"username":${'{"a":'.repeat(100)}1${'}'.repeat(100)},"password":"x"}` }), 400, 'invalid_json');
    expectRefused(await send({ name: 'invalid UTF-8', path: login, body: Buffer.from([0x7b, 0x22, 0x75, 0xff, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]) }), 400);
    // Lone surrogates are valid JSON strings: a login that fails like any other.
    expectRefused(await send({ name: 'lone surrogate', path: login, body: '{"username":"\\ud800","password":"\\udc00\\u0000"}' }), 401);
    expectRefused(await send({ name: 'giant body', path: login, body: JSON.stringify({ username: 'x'.repeat(LIMITS.maxRestBodyBytes), password: 'x' }) }), 413, 'payload_too_large');
    expectRefused(await send({ name: 'top-level array', path: login, body: '[1,2,3]' }), 400, 'invalid_request');
    expectRefused(await send({ name: 'not JSON', path: login, body: '{"username":' }), 400, 'invalid_json');
    expectRefused(await send({ name: 'unknown charset', path: login, body: '{}', headers: { 'content-type': 'application/json; charset=x-bogus' } }), 415);
    expectRefused(await send({ name: 'authenticated body', path: '/api/v1/groups', body: '{"name":{"toString":1},"__proto__":{"polluted":1}}', asAdmin: true }), 400, 'invalid_request');
  });

  it('queries: repeated keys, prototype keys, bracket keys, huge and odd numbers', async () => {
    for (const query of ['limit=1e999', 'limit=1&limit=2', '__proto__=1&constructor=2&limit=5x', 'from[toString]=1&to=%E0%A4%A', 'limit=99999999999999999999999', `q=${'%'.repeat(3)}`]) {
      const answer = await send({ name: query, path: `/api/v1/events?${query}`, asAdmin: true });
      expect(answer.status).toBeLessThan(500);
      if (answer.status !== 200) expectRefused(answer, 400);
    }
  });

  it('headers and cookies: hostile session cookies, tokens, CSRF values; broken percent-encoding in paths', async () => {
    for (const cookie of ['dlp_session={"toString":1}', '__proto__=1; constructor=2; dlp_session=', `dlp_session=${'A'.repeat(43)}; dlp_session=${'B'.repeat(43)}`, `${'x=y; '.repeat(500)}`]) {
      expectRefused(await send({ name: cookie.slice(0, 40), path: '/api/v1/agents', headers: { cookie } }), 401, 'unauthenticated');
    }
    for (const authorization of ['Bearer {"toString":1}', `Bearer ${'A'.repeat(43)}`, 'Bearer', 'Basic Og==']) {
      expectRefused(await send({ name: authorization, path: '/api/v1/agents', headers: { authorization } }), 401, 'unauthenticated');
    }
    const csrf = await send({ name: 'bad csrf', path: '/api/v1/groups', body: '{"name":"g"}', headers: { cookie: t.admin.cookie ?? '', 'x-csrf-token': '{"toString":1}' } });
    expectRefused(csrf, 403, 'csrf_failed');
    for (const path of ['/api/v1/users/%E0%A4%A', '/api/v1/agents/%', '/api/v1/policies/%zz/versions']) {
      expectRefused(await send({ name: path, path, asAdmin: true }), 400, 'invalid_request');
    }
  });
});
