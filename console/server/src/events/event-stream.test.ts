import path from 'node:path';
import Database from 'better-sqlite3';
import { BearerClient, RestClient } from '../testing/rest-client';
import { endReason, openTestStream, type TestStream } from '../testing/sse-reader';
import { startTestConsole, type TestConsole } from '../testing/test-console';
import { createTestApiToken, createTestUser, type TestUser } from '../testing/test-users';

// Live streams end with their credential. The re-check interval is far longer than any test, so a
// stream that ends with reason `revoked` was closed by the revocation itself, not by a re-check.

const NEW_PASSWORD = 'walnut lantern on the quay 2044';

describe('live event streams end with their credentials (SQLite, one node)', () => {
  let t: TestConsole;
  let officer: TestUser;
  const streams: TestStream[] = [];

  beforeEach(async () => {
    t = await startTestConsole({ sseHeartbeatMs: 50, streams: { recheckMs: 10 * 60_000, maxLifetimeMs: 60 * 60_000 } });
    officer = await createTestUser(t, 'officer', 'olga');
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    await t.stop();
  });

  async function open(client: RestClient): Promise<TestStream> {
    const headers: Record<string, string> = client instanceof BearerClient ? { authorization: `Bearer ${client.token}` } : { cookie: client.cookie ?? '' };
    const stream = await openTestStream(t.console.url, headers);
    streams.push(stream);
    expect(stream.status).toBe(200);
    return stream;
  }

  async function expectRevoked(stream: TestStream): Promise<void> {
    expect(endReason(await stream.ended)).toBe('revoked');
  }

  /**
   * Called after a revoked stream ended (the console ends every stream a revocation names in one
   * pass): a heartbeat received after that proves this one was left open.
   */
  async function expectStillOpen(stream: TestStream): Promise<void> {
    await stream.until(/: heartbeat\n\n/, stream.text().length);
    expect(endReason(stream.text())).toBeUndefined();
  }

  it('disabling a user closes their session streams and those of the API tokens they own', async () => {
    const other = await createTestUser(t, 'admin', 'ada');
    const created = await other.client.json<{ token: string }>('POST', '/api/v1/api-tokens', { name: 'ada automation', role: 'auditor' });
    expect(created.status).toBe(201);
    const sessionStream = await open(other.client);
    const tokenStream = await open(new BearerClient(t.console.url, created.body.token));
    const bystander = await open(officer.client);

    expect((await t.admin.json('PATCH', `/api/v1/users/${other.id}`, { disabled: true })).status).toBe(200);
    await expectRevoked(sessionStream);
    await expectRevoked(tokenStream);
    await expectStillOpen(bystander);
    // And a new stream is refused.
    expect((await openTestStream(t.console.url, { cookie: other.client.cookie ?? '' })).status).toBe(401);
  });

  it('logout closes the streams of that session only', async () => {
    const second = new RestClient(t.console.url);
    expect((await second.login(officer.username, officer.password)).status).toBe(200);
    const loggedOut = await open(officer.client);
    const otherSession = await open(second);
    expect((await officer.client.call('POST', '/api/v1/auth/logout', {})).status).toBe(204);
    await expectRevoked(loggedOut);
    await expectStillOpen(otherSession);
  });

  it('changing one’s own password closes the other sessions’ streams and keeps the calling session’s', async () => {
    const second = new RestClient(t.console.url);
    expect((await second.login(officer.username, officer.password)).status).toBe(200);
    const caller = await open(officer.client);
    const other = await open(second);
    const changed = await officer.client.call('POST', '/api/v1/auth/password', { currentPassword: officer.password, newPassword: NEW_PASSWORD });
    expect(changed.status).toBe(204);
    await expectRevoked(other);
    await expectStillOpen(caller);
  });

  it('an admin resetting the password closes every stream of that user', async () => {
    const stream = await open(officer.client);
    expect((await t.admin.json('PATCH', `/api/v1/users/${officer.id}`, { password: NEW_PASSWORD })).status).toBe(200);
    await expectRevoked(stream);
  });

  it('revoking an API token closes its streams, not those of other tokens', async () => {
    const token = await createTestApiToken(t, 'officer', 'soc export');
    const kept = await createTestApiToken(t, 'auditor', 'auditor feed');
    const list = await t.admin.json<{ items: Array<{ id: string; name: string }> }>('GET', '/api/v1/api-tokens');
    const tokenId = list.body.items.find((i) => i.name === 'soc export')?.id ?? '';
    const revoked = await open(new BearerClient(t.console.url, token));
    const other = await open(new BearerClient(t.console.url, kept));
    const adminStream = await open(t.admin);
    expect((await t.admin.json('DELETE', `/api/v1/api-tokens/${tokenId}`)).status).toBe(204);
    await expectRevoked(revoked);
    await expectStillOpen(other);
    // The admin who created the token is the token's person, but revoking one token is not about them.
    await expectStillOpen(adminStream);
  });

  it('a role change closes the user’s streams; the reconnect gets the new role', async () => {
    const stream = await open(officer.client);
    expect((await t.admin.json('PATCH', `/api/v1/users/${officer.id}`, { role: 'auditor' })).status).toBe(200);
    await expectRevoked(stream);
    const again = await open(officer.client);
    expect(again.status).toBe(200);
    expect((await officer.client.json<{ user: { role: string } }>('GET', '/api/v1/auth/me')).body.user.role).toBe('auditor');
  });

  it('a failed change (wrong current password) closes nothing', async () => {
    const stream = await open(officer.client);
    const refused = await officer.client.call('POST', '/api/v1/auth/password', { currentPassword: 'not the password at all', newPassword: NEW_PASSWORD });
    expect(refused.status).toBe(401);
    // A following revocation is the first thing that ends it.
    expect((await t.admin.json('PATCH', `/api/v1/users/${officer.id}`, { disabled: true })).status).toBe(200);
    const text = await stream.ended;
    expect(text.match(/event: end/g)).toHaveLength(1);
    expect(endReason(text)).toBe('revoked');
  });
});

describe('live event stream lifetime and re-check', () => {
  let t: TestConsole | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('ends a stream that reached its maximum lifetime, and a new one opens', async () => {
    t = await startTestConsole({ streams: { maxLifetimeMs: 300, recheckMs: 10 * 60_000 } });
    const stream = await openTestStream(t.console.url, { cookie: t.admin.cookie ?? '' });
    expect(endReason(await stream.ended)).toBe('lifetime');
    const next = await openTestStream(t.console.url, { cookie: t.admin.cookie ?? '' });
    expect(next.status).toBe(200);
    next.close();
  });

  it('re-checks access: a session removed behind the console’s back (another process) ends its stream', async () => {
    t = await startTestConsole({ streams: { maxLifetimeMs: 60 * 60_000, recheckMs: 100 } });
    const stream = await openTestStream(t.console.url, { cookie: t.admin.cookie ?? '' });
    // What `dlp reset-password` on another host does: the sessions go, no message reaches this node.
    const db = new Database(path.join(t.dataDir, 'console.sqlite'));
    try {
      db.prepare('DELETE FROM sessions').run();
    } finally {
      db.close();
    }
    expect(endReason(await stream.ended)).toBe('access');
  });
});
