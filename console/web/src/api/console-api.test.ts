// eslint-disable-next-line no-restricted-imports -- this test runs in Node: a real HTTP server stands in for the console.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiRequestError, isUnreachable } from './api-error';
import { createConsoleApi } from './console-api';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

interface Recorded {
  method: string;
  url: string;
  contentType: string | undefined;
  csrfToken: string | undefined;
  body: string;
}

/** A loopback HTTP server answering with whatever the current test sets as handler. */
async function startServer(): Promise<{ url: string; server: Server; recorded: Recorded[]; setHandler(handler: Handler): void }> {
  const recorded: Recorded[] = [];
  let handler: Handler = (_request, _body, response) => response.writeHead(404).end();
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const csrf = request.headers['x-csrf-token'];
      recorded.push({ method: request.method ?? '', url: request.url ?? '', contentType: request.headers['content-type'], csrfToken: typeof csrf === 'string' ? csrf : undefined, body });
      handler(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return { url: `http://127.0.0.1:${address.port}`, server, recorded, setHandler: (next) => (handler = next) };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

describe('console API client (against a real HTTP server)', () => {
  let fakeConsole: Awaited<ReturnType<typeof startServer>>;
  beforeEach(async () => {
    fakeConsole = await startServer();
  });
  afterEach(async () => {
    await new Promise((resolve) => fakeConsole.server.close(resolve));
  });

  it('signs in with a JSON body and returns the validated user', async () => {
    fakeConsole.setHandler((_request, _body, response) => json(response, 200, { user: { id: 'u1', username: 'admin', role: 'admin' } }));
    const api = createConsoleApi({ baseUrl: fakeConsole.url });
    await expect(api.auth.login({ username: 'admin', password: 's3cret-pass' })).resolves.toEqual({ user: { id: 'u1', username: 'admin', role: 'admin' }, mustChangePassword: false });
    expect(fakeConsole.recorded[0]).toMatchObject({ method: 'POST', url: '/api/v1/auth/login', contentType: 'application/json' });
    expect(JSON.parse(fakeConsole.recorded[0]?.body ?? '')).toEqual({ username: 'admin', password: 's3cret-pass' });
  });

  it('sends the session\'s CSRF token on state-changing requests, from sign-in until sign-out', async () => {
    fakeConsole.setHandler((request, _body, response) => {
      if (request.url === '/api/v1/auth/logout') response.writeHead(204).end();
      else json(response, 200, { user: { id: 'u1', username: 'admin', role: 'admin' }, csrfToken: 'csrf-from-login' });
    });
    const api = createConsoleApi({ baseUrl: fakeConsole.url });
    await api.auth.login({ username: 'admin', password: 's3cret-pass' });
    await api.auth.currentUser();
    await api.auth.logout();
    await api.auth.logout();
    expect(fakeConsole.recorded.map((r) => [r.method, r.url, r.csrfToken])).toEqual([
      ['POST', '/api/v1/auth/login', undefined],
      ['GET', '/api/v1/auth/me', undefined],
      ['POST', '/api/v1/auth/logout', 'csrf-from-login'],
      ['POST', '/api/v1/auth/logout', undefined],
    ]);
  });

  it('says when the console demands a new password, and changes it with the CSRF token', async () => {
    fakeConsole.setHandler((request, _body, response) => {
      if (request.url === '/api/v1/auth/password') response.writeHead(204).end();
      else json(response, 200, { user: { id: 'u1', username: 'admin', role: 'admin' }, csrfToken: 'csrf-1', mustChangePassword: true });
    });
    const api = createConsoleApi({ baseUrl: fakeConsole.url });
    await expect(api.auth.login({ username: 'admin', password: 'printed-once' })).resolves.toMatchObject({ mustChangePassword: true });
    await api.auth.changePassword({ currentPassword: 'printed-once', newPassword: 'Harbour-Lantern-Quiet-42' });
    expect(fakeConsole.recorded[1]).toMatchObject({ method: 'POST', url: '/api/v1/auth/password', csrfToken: 'csrf-1' });
    expect(JSON.parse(fakeConsole.recorded[1]?.body ?? '')).toEqual({ currentPassword: 'printed-once', newPassword: 'Harbour-Lantern-Quiet-42' });
  });

  it('tells listeners when any request is refused with password_expired, and a wrong current password is not a lost session', async () => {
    fakeConsole.setHandler((request, _body, response) => {
      if (request.url === '/api/v1/auth/password') json(response, 401, { ok: false, error: 'invalid_credentials', message: 'Wrong current password.' });
      else json(response, 403, { ok: false, error: 'password_expired', message: 'Change your password first.' });
    });
    const api = createConsoleApi({ baseUrl: fakeConsole.url });
    const expired = jest.fn();
    const lost = jest.fn();
    api.onPasswordExpired(expired);
    api.onUnauthorized(lost);
    await expect(api.exceptions.list({ state: 'pending' })).rejects.toMatchObject({ status: 403, code: 'password_expired' });
    expect(expired).toHaveBeenCalledTimes(1);
    await expect(api.auth.changePassword({ currentPassword: 'wrong', newPassword: 'Harbour-Lantern-Quiet-42' })).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(lost).not.toHaveBeenCalled();
    expect(fakeConsole.recorded[0]?.url).toBe('/api/v1/exceptions?state=pending');
  });

  it('turns the error shape into a typed error, without treating a failed sign-in as a lost session', async () => {
    fakeConsole.setHandler((_request, _body, response) =>
      json(response, 401, { ok: false, error: 'invalid_credentials', message: 'wrong username or password' }),
    );
    const api = createConsoleApi({ baseUrl: fakeConsole.url });
    const lost = jest.fn();
    api.onUnauthorized(lost);
    const failure = await api.auth.login({ username: 'admin', password: 'nope' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiRequestError);
    expect(failure).toMatchObject({ kind: 'http', status: 401, code: 'invalid_credentials', message: 'wrong username or password' });
    expect(lost).not.toHaveBeenCalled();
    await expect(api.auth.currentUser()).resolves.toBeNull();
    expect(lost).not.toHaveBeenCalled();
  });

  it('reports a session that ended when a data request gets 401', async () => {
    fakeConsole.setHandler((_request, _body, response) => json(response, 401, { ok: false, error: 'unauthorized', message: 'sign in first' }));
    const api = createConsoleApi({ baseUrl: fakeConsole.url });
    const lost = jest.fn();
    api.onUnauthorized(lost);
    await expect(api.agents.list()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(lost).toHaveBeenCalledTimes(1);
  });

  it('passes field issues through and sends only the filters that are set', async () => {
    fakeConsole.setHandler((_request, _body, response) =>
      json(response, 400, { ok: false, error: 'invalid_query', message: 'bad query', issues: [{ path: 'type', message: 'Invalid option' }] }),
    );
    const api = createConsoleApi({ baseUrl: fakeConsole.url });
    await expect(api.events.list({ action: 'blocked', limit: 50 })).rejects.toMatchObject({ code: 'invalid_query', issues: [{ path: 'type', message: 'Invalid option' }] });
    expect(fakeConsole.recorded[0]?.url).toBe('/api/v1/events?action=blocked&limit=50');
  });

  it('refuses answers that break the contract instead of showing wrong data', async () => {
    fakeConsole.setHandler((_request, _body, response) => json(response, 200, { items: [{ id: 'not-an-agent' }], nextCursor: null }));
    const api = createConsoleApi({ baseUrl: fakeConsole.url });
    await expect(api.agents.list()).rejects.toMatchObject({ kind: 'invalid_response', code: 'invalid_response' });
  });

  it('sends sign-out as a JSON POST and accepts 204', async () => {
    fakeConsole.setHandler((_request, _body, response) => response.writeHead(204).end());
    const api = createConsoleApi({ baseUrl: fakeConsole.url });
    await expect(api.auth.logout()).resolves.toBeUndefined();
    expect(fakeConsole.recorded[0]).toMatchObject({ method: 'POST', url: '/api/v1/auth/logout', contentType: 'application/json' });
  });

  it('counts a proxy\'s "bad gateway" as an unreachable console, like a refused connection', async () => {
    fakeConsole.setHandler((_request, _body, response) => response.writeHead(502, { 'Content-Type': 'text/html' }).end('<h1>502</h1>'));
    const api = createConsoleApi({ baseUrl: fakeConsole.url });
    const failure = await api.auth.currentUser().catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'http', status: 502, code: 'http_502' });
    expect(isUnreachable(failure)).toBe(true);
  });

  it('says "network" when the console cannot be reached', async () => {
    const api = createConsoleApi({ baseUrl: fakeConsole.url });
    await new Promise((resolve) => fakeConsole.server.close(resolve));
    const failure = await api.auth.login({ username: 'admin', password: 'x' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'network', code: 'network_error' });
    expect(isUnreachable(failure)).toBe(true);
    fakeConsole = await startServer(); // afterEach closes a live server
  });
});
