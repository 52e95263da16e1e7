import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropTestSchema, randomSchemaName, TEST_DATABASE_URL } from '../testing/postgres-schema';
import { RestClient } from '../testing/rest-client';
import { endReason, openTestStream, type TestStream } from '../testing/sse-reader';
import { startTestConsole, type TestConsole } from '../testing/test-console';
import { createTestApiToken, createTestUser, type TestUser } from '../testing/test-users';

// Two console nodes on one PostgreSQL schema (LISTEN/NOTIFY between them): what an admin does on
// node A closes the streams people hold on node B. Re-checks are far apart, so an end with reason
// `revoked` came from the cluster message.

describe('live streams end on every node (PostgreSQL, two nodes)', () => {
  let schema: string;
  let a: TestConsole;
  let b: TestConsole;
  let officer: TestUser;
  const streams: TestStream[] = [];
  /** How long node B's stream outlived the reply to node A's request, per trigger (printed, not asserted). */
  const latencies: Record<string, number> = {};

  beforeEach(async () => {
    schema = randomSchemaName('dlp_t');
    const options = { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema, streams: { recheckMs: 10 * 60_000, maxLifetimeMs: 60 * 60_000 } };
    a = await startTestConsole({ ...options, nodeId: 'node-a' });
    // Nodes of one database share the signing key.
    const dirB = mkdtempSync(path.join(tmpdir(), 'dlp-console-b-'));
    mkdirSync(path.join(dirB, 'keys'), { mode: 0o700 });
    cpSync(path.join(a.dataDir, 'keys', 'signing.pem'), path.join(dirB, 'keys', 'signing.pem'));
    b = await startTestConsole({ ...options, nodeId: 'node-b', dataDir: dirB });
    officer = await createTestUser(a, 'officer', 'olga');
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    await b.stop();
    await a.stop();
    await dropTestSchema(schema);
  });
  afterAll(() => {
    process.stdout.write(`${JSON.stringify({ name: 'stream close after revocation on the other node', unit: 'ms', values: latencies })}\n`);
  });

  async function openOnB(headers: Record<string, string>): Promise<TestStream> {
    const stream = await openTestStream(b.console.url, headers);
    streams.push(stream);
    expect(stream.status).toBe(200);
    return stream;
  }

  async function loginOnB(user: TestUser): Promise<RestClient> {
    const client = new RestClient(b.console.url);
    expect((await client.login(user.username, user.password)).status).toBe(200);
    return client;
  }

  async function expectClosedByRevocation(name: string, stream: TestStream, act: () => Promise<number>): Promise<void> {
    const status = await act();
    const repliedAt = Date.now();
    expect(status).toBeLessThan(300);
    expect(endReason(await stream.ended)).toBe('revoked');
    latencies[name] = Math.max(0, (stream.endedAtMs() ?? repliedAt) - repliedAt);
  }

  it('disabling a user on node A closes their stream on node B', async () => {
    const onB = await loginOnB(officer);
    const stream = await openOnB({ cookie: onB.cookie ?? '' });
    await expectClosedByRevocation('disable', stream, async () => (await a.admin.json('PATCH', `/api/v1/users/${officer.id}`, { disabled: true })).status);
    expect((await onB.json('GET', '/api/v1/auth/me')).status).toBe(401);
  });

  it('a role change on node A closes the stream on node B', async () => {
    const onB = await loginOnB(officer);
    const stream = await openOnB({ cookie: onB.cookie ?? '' });
    await expectClosedByRevocation('role change', stream, async () => (await a.admin.json('PATCH', `/api/v1/users/${officer.id}`, { role: 'auditor' })).status);
  });

  it('logging a session out on node A closes that session’s stream on node B', async () => {
    const stream = await openOnB({ cookie: officer.client.cookie ?? '' });
    await expectClosedByRevocation('logout', stream, async () => (await officer.client.call('POST', '/api/v1/auth/logout', {})).status);
  });

  it('a password change on node A closes the other sessions’ streams on node B', async () => {
    const onB = await loginOnB(officer);
    const stream = await openOnB({ cookie: onB.cookie ?? '' });
    await expectClosedByRevocation('password change', stream, async () =>
      (await officer.client.call('POST', '/api/v1/auth/password', { currentPassword: officer.password, newPassword: 'walnut lantern on the quay 2044' })).status,
    );
  });

  it('revoking an API token on node A closes its stream on node B', async () => {
    const token = await createTestApiToken(a, 'auditor', 'siem feed');
    const list = await a.admin.json<{ items: Array<{ id: string; name: string }> }>('GET', '/api/v1/api-tokens');
    const id = list.body.items.find((i) => i.name === 'siem feed')?.id ?? '';
    const stream = await openOnB({ authorization: `Bearer ${token}` });
    await expectClosedByRevocation('token revoke', stream, async () => (await a.admin.json('DELETE', `/api/v1/api-tokens/${id}`)).status);
  });
});
