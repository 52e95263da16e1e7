import { sha256Hex } from '../auth/secret-token';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import { BearerClient } from '../testing/rest-client';
import { startTestConsole, type TestConsole } from '../testing/test-console';
import { createTestApiToken, createTestUser } from '../testing/test-users';
import path from 'node:path';

interface TokenList {
  items: { id: string; name: string; role: string; revokedAt: string | null; expiresAt: string | null; lastUsedAt: string | null }[];
}

describe('API tokens', () => {
  let t: TestConsole;
  beforeEach(async () => {
    t = await startTestConsole();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('shows a new token once, stores only its hash, and lets automation call its role\'s routes without CSRF', async () => {
    const created = await t.admin.json<{ token: string; apiToken: { id: string; role: string; expiresAt: string | null } }>('POST', '/api/v1/api-tokens', {
      name: 'SIEM export',
      role: 'auditor',
      expiresInDays: 30,
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^dlp_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(created.body.apiToken.expiresAt ?? '') - Date.now()).toBeGreaterThan(29 * 86_400_000);

    const list = await t.admin.json<TokenList>('GET', '/api/v1/api-tokens');
    expect(list.body.items).toEqual([expect.objectContaining({ id: created.body.apiToken.id, name: 'SIEM export', role: 'auditor', revokedAt: null, lastUsedAt: null })]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    expect(JSON.stringify(list.body)).not.toContain(sha256Hex(created.body.token));

    const bot = new BearerClient(t.console.url, created.body.token);
    expect((await bot.json('GET', '/api/v1/audit/verify')).status).toBe(200);
    expect((await bot.json('GET', '/api/v1/auth/me')).body).toEqual({ user: { id: created.body.apiToken.id, username: 'token:SIEM export', role: 'auditor' } });
    expect(await bot.json('POST', '/api/v1/enroll-secrets', { label: 'x' })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect((await t.admin.json<TokenList>('GET', '/api/v1/api-tokens')).body.items[0]?.lastUsedAt).not.toBeNull();

    const adminBot = new BearerClient(t.console.url, await createTestApiToken(t, 'admin'));
    // No cookie, so no CSRF token is needed (or possible).
    expect((await adminBot.json('POST', '/api/v1/enroll-secrets', { label: 'from automation' })).status).toBe(201);
    // Tokens belong to people: a token cannot mint more tokens.
    expect(await adminBot.json('POST', '/api/v1/api-tokens', { name: 'child', role: 'admin' })).toMatchObject({ status: 403 });

    const audit = await t.admin.json<{ items: unknown[] }>('GET', '/api/v1/audit?action=api_token.create');
    expect(audit.body.items).toHaveLength(2);
    expect(JSON.stringify(audit.body)).not.toContain(created.body.token);
  });

  it('answers 401 once a token is revoked, and for unknown or malformed tokens', async () => {
    const token = await createTestApiToken(t, 'officer');
    const bot = new BearerClient(t.console.url, token);
    expect((await bot.json('GET', '/api/v1/events')).status).toBe(200);
    const id = (await t.admin.json<TokenList>('GET', '/api/v1/api-tokens')).body.items[0]?.id ?? '';
    expect((await t.admin.json('DELETE', `/api/v1/api-tokens/${id}`)).status).toBe(204);
    expect((await bot.json('GET', '/api/v1/events')).status).toBe(401);
    expect((await t.admin.json('DELETE', `/api/v1/api-tokens/${id}`)).status).toBe(204);
    expect((await t.admin.json('DELETE', '/api/v1/api-tokens/0190aaaa-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await t.admin.json<TokenList>('GET', '/api/v1/api-tokens')).body.items[0]?.revokedAt).not.toBeNull();

    for (const bogus of [`dlp_${'A'.repeat(43)}`, 'not-a-dlp-token', 'dlp_']) {
      expect((await new BearerClient(t.console.url, bogus).json('GET', '/api/v1/events')).status).toBe(401);
    }
  });

  it('answers 401 for an expired token', async () => {
    const token = 'dlp_expiredexpiredexpiredexpiredexpiredexpir';
    const store = await openSqliteStore({ path: path.join(t.dataDir, 'console.sqlite') });
    try {
      const admin = await store.users.findByUsername('admin');
      await store.apiTokens.insert({
        id: '0190aaaa-0000-7000-8000-00000000e001',
        name: 'old job',
        role: 'officer',
        scope: 'api',
        tokenHash: sha256Hex(token),
        createdBy: admin?.id ?? '',
        createdAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
        expiresAtMs: Date.now() - 1000,
        revokedAt: null,
        lastUsedAt: null,
      });
    } finally {
      await store.close();
    }
    expect((await new BearerClient(t.console.url, token).json('GET', '/api/v1/events')).status).toBe(401);
  });

  it('stops an admin token when its creator is no longer an admin', async () => {
    const creator = await createTestUser(t, 'admin', 'ops-lead');
    const created = await creator.client.json<{ token: string }>('POST', '/api/v1/api-tokens', { name: 'provisioning', role: 'admin' });
    const bot = new BearerClient(t.console.url, created.body.token);
    expect((await bot.json('GET', '/api/v1/users')).status).toBe(200);
    expect((await t.admin.json('PATCH', `/api/v1/users/${creator.id}`, { role: 'officer' })).status).toBe(200);
    expect((await bot.json('GET', '/api/v1/users')).status).toBe(401);
  });

  it('validates the request: name, role and expiry range', async () => {
    const res = await t.admin.json<{ issues: { path: string }[] }>('POST', '/api/v1/api-tokens', { name: '', role: 'root', expiresInDays: 0 });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i) => i.path).sort()).toEqual(['expiresInDays', 'name', 'role']);
  });
});
