import { SqliteWorkerDatabase } from '../store/sqlite/sqlite-worker-db';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConsole } from '../app';
import { createMemoryLogger } from '../testing/memory-logger';
import { RestClient, BearerClient } from '../testing/rest-client';
import { startTestConsole, TEST_ADMIN_PASSWORD, type TestConsole } from '../testing/test-console';
import { createTestUser } from '../testing/test-users';

interface UserBody {
  user: { id: string; username: string; role: string; disabled: boolean; mustChangePassword: boolean; lockedUntil: string | null };
}

describe('users, passwords and lockout', () => {
  let t: TestConsole;
  beforeEach(async () => {
    t = await startTestConsole();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('refuses weak passwords with one stable code per broken rule', async () => {
    const cases: [string, string, string[]][] = [
      ['short', 'password_too_short', ['password_too_short']],
      ['xx Wang.Wei 2026 xx', 'password_contains_username', ['password_contains_username']],
      ['woaini1314', 'password_too_short', ['password_too_short', 'password_common']],
      ['1qaz2wsx3edc', 'password_common', ['password_common']],
      ['QWERTYUIOPASDF', 'password_common', ['password_common']],
    ];
    for (const [password, code, rules] of cases) {
      const res = await t.admin.json<{ error: string; issues: { path: string; message: string }[] }>('POST', '/api/v1/users', { username: 'wang.wei', role: 'officer', password });
      expect({ password, status: res.status, error: res.body.error }).toEqual({ password, status: 400, error: code });
      expect(res.body.issues.map((i) => i.message.split(':')[0])).toEqual(rules);
      expect(res.body.issues.every((i) => i.path === 'password')).toBe(true);
    }
    expect((await t.admin.json<{ items: unknown[] }>('GET', '/api/v1/users')).body.items).toHaveLength(1);
  });

  it('creates personal accounts whose admin-chosen password must be changed before anything else', async () => {
    const created = await t.admin.json<UserBody>('POST', '/api/v1/users', { username: '李娜', role: 'officer', password: 'temporary pass phrase 7' });
    expect(created).toMatchObject({ status: 201, body: { user: { username: '李娜', role: 'officer', disabled: false, mustChangePassword: true, lockedUntil: null } } });
    expect(created.body.user).not.toHaveProperty('passwordHash');
    expect((await t.admin.json('POST', '/api/v1/users', { username: '李娜', role: 'auditor', password: 'another pass phrase 8' })).status).toBe(409);

    const officer = new RestClient(t.console.url);
    const login = await officer.login('李娜', 'temporary pass phrase 7');
    expect(await login.json()).toMatchObject({ user: { username: '李娜' }, mustChangePassword: true, csrfToken: expect.any(String) });
    expect(await officer.json('GET', '/api/v1/events')).toMatchObject({ status: 403, body: { error: 'password_expired' } });
    expect(await officer.json('GET', '/api/v1/auth/me')).toMatchObject({ status: 200, body: { mustChangePassword: true } });

    expect(await officer.json('POST', '/api/v1/auth/password', { currentPassword: 'wrong one', newPassword: 'my own pass phrase 9' })).toMatchObject({ status: 401, body: { error: 'invalid_credentials' } });
    expect(await officer.json('POST', '/api/v1/auth/password', { currentPassword: 'temporary pass phrase 7', newPassword: '李娜 password 2026' })).toMatchObject({ status: 400, body: { error: 'password_contains_username' } });
    expect((await officer.json('POST', '/api/v1/auth/password', { currentPassword: 'temporary pass phrase 7', newPassword: 'my own pass phrase 9' })).status).toBe(204);
    // The same session goes on, now unrestricted.
    expect((await officer.json('GET', '/api/v1/events')).status).toBe(200);
    expect((await t.admin.json<UserBody>('GET', `/api/v1/users/${created.body.user.id}`)).body.user.mustChangePassword).toBe(false);
  });

  it('ends the other sessions of a user who changes their password, keeping the current one', async () => {
    const officer = await createTestUser(t, 'officer', 'olga');
    const laptop = new RestClient(t.console.url);
    expect((await laptop.login('olga', officer.password)).status).toBe(200);
    expect((await officer.client.json('POST', '/api/v1/auth/password', { currentPassword: officer.password, newPassword: 'brand new pass phrase' })).status).toBe(204);
    expect((await officer.client.json('GET', '/api/v1/auth/me')).status).toBe(200);
    expect((await laptop.json('GET', '/api/v1/auth/me')).status).toBe(401);
  });

  it('disabling a user ends their sessions at once and stops the API tokens they created', async () => {
    const second = await createTestUser(t, 'admin', 'second-admin');
    const created = await second.client.json<{ token: string }>('POST', '/api/v1/api-tokens', { name: 'nightly export', role: 'auditor' });
    expect(created.status).toBe(201);
    const bot = new BearerClient(t.console.url, created.body.token);
    expect((await bot.json('GET', '/api/v1/audit')).status).toBe(200);

    const disabled = await t.admin.json<UserBody>('PATCH', `/api/v1/users/${second.id}`, { disabled: true });
    expect(disabled).toMatchObject({ status: 200, body: { user: { disabled: true } } });
    expect((await second.client.json('GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await bot.json('GET', '/api/v1/audit')).status).toBe(401);
    expect((await new RestClient(t.console.url).login('second-admin', second.password)).status).toBe(401);
  });

  it('applies a role change on the very next request', async () => {
    const user = await createTestUser(t, 'auditor', 'audrey');
    expect((await user.client.json('GET', '/api/v1/audit')).status).toBe(200);
    expect((await t.admin.json('PATCH', `/api/v1/users/${user.id}`, { role: 'officer' })).status).toBe(200);
    expect((await user.client.json('GET', '/api/v1/audit')).status).toBe(403);
    expect((await user.client.json('GET', '/api/v1/events')).status).toBe(200);
  });

  it('always keeps one enabled admin and never lets an admin disable themselves', async () => {
    const me = (await t.admin.json<{ user: { id: string } }>('GET', '/api/v1/auth/me')).body.user.id;
    expect(await t.admin.json('PATCH', `/api/v1/users/${me}`, { disabled: true })).toMatchObject({ status: 409, body: { error: 'cannot_disable_self' } });
    expect(await t.admin.json('PATCH', `/api/v1/users/${me}`, { role: 'auditor' })).toMatchObject({ status: 409, body: { error: 'last_admin' } });
    expect(await t.admin.json('PATCH', `/api/v1/users/${me}`, {})).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect((await t.admin.json('GET', '/api/v1/users/0190aaaa-0000-7000-8000-000000000000')).status).toBe(404);
  });

  it('an admin password reset ends the user\'s sessions and forces a new password', async () => {
    const user = await createTestUser(t, 'officer', 'oscar');
    expect((await t.admin.json('PATCH', `/api/v1/users/${user.id}`, { password: 'reset pass phrase 2026' })).status).toBe(200);
    expect((await user.client.json('GET', '/api/v1/auth/me')).status).toBe(401);
    const again = new RestClient(t.console.url);
    expect(await (await again.login('oscar', 'reset pass phrase 2026')).json()).toMatchObject({ mustChangePassword: true });
  });

  it('locks an account for 15 minutes after 5 failed logins, across a restart, and audits it', async () => {
    const user = await createTestUser(t, 'officer', 'lena');
    const attacker = new RestClient(t.console.url);
    for (let i = 0; i < 5; i++) expect((await attacker.login('lena', `guess number ${i}`)).status).toBe(401);
    // Locked: even the right password gets the answer an unknown user gets (no enumeration).
    const locked = await attacker.login('lena', user.password);
    expect(locked.status).toBe(401);
    expect(await locked.json()).toEqual(await (await attacker.login('no-such-user', user.password)).json());

    await t.console.close();
    t = await startTestConsole({ dataDir: t.dataDir });
    expect((await new RestClient(t.console.url).login('lena', user.password)).status).toBe(401);
    const listed = await t.admin.json<{ items: UserBody['user'][] }>('GET', '/api/v1/users');
    const lockedUntil = Date.parse(listed.body.items.find((u) => u.username === 'lena')?.lockedUntil ?? '');
    expect(lockedUntil - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(lockedUntil - Date.now()).toBeLessThanOrEqual(15 * 60_000);

    const audit = await t.admin.json<{ items: { action: string; after?: { reason?: string } }[] }>('GET', '/api/v1/audit?action=auth.&limit=50');
    const actions = audit.body.items.map((e) => (e.action === 'auth.login_failed' ? `failed:${e.after?.reason}` : e.action));
    expect(actions.filter((a) => a === 'failed:wrong_password')).toHaveLength(5);
    expect(actions.filter((a) => a === 'auth.lockout')).toHaveLength(1);
    expect(actions.filter((a) => a === 'failed:account_locked')).toHaveLength(2);

    // An admin's password reset is the way out before the 15 minutes are up.
    expect((await t.admin.json('PATCH', `/api/v1/users/${user.id}`, { password: 'unlocked pass phrase 1', mustChangePassword: false })).status).toBe(200);
    expect((await new RestClient(t.console.url).login('lena', 'unlocked pass phrase 1')).status).toBe(200);
  });

  it('forces a password change once the password is older than passwordMaxAgeDays', async () => {
    expect(await t.admin.json('GET', '/api/v1/settings')).toEqual({ status: 200, body: { passwordMaxAgeDays: null } });
    expect((await t.admin.json('PUT', '/api/v1/settings', { passwordMaxAgeDays: 0 })).status).toBe(400);
    expect(await t.admin.json('PUT', '/api/v1/settings', { passwordMaxAgeDays: 90 })).toEqual({ status: 200, body: { passwordMaxAgeDays: 90 } });
    const user = await createTestUser(t, 'auditor', 'ada');
    expect((await user.client.json('GET', '/api/v1/audit')).status).toBe(200);

    // 91 days pass (written straight into the database, as time would).
    const db = await SqliteWorkerDatabase.open(path.join(t.dataDir, 'console.sqlite'));
    await db.run('UPDATE users SET password_changed_at = ? WHERE username = ?', [new Date(Date.now() - 91 * 86_400_000).toISOString(), 'ada']);
    await db.close();

    expect(await user.client.json('GET', '/api/v1/audit')).toMatchObject({ status: 403, body: { error: 'password_expired' } });
    const relogin = new RestClient(t.console.url);
    expect(await (await relogin.login('ada', user.password)).json()).toMatchObject({ mustChangePassword: true });
    expect((await relogin.json('POST', '/api/v1/auth/password', { currentPassword: user.password, newPassword: 'quarterly pass phrase' })).status).toBe(204);
    expect((await relogin.json('GET', '/api/v1/audit')).status).toBe(200);
  });
});

describe('first start', () => {
  it('makes the admin replace a printed first password at first login', async () => {
    const lines: string[] = [];
    const t = await startTestConsoleWithPrintedPassword(lines);
    try {
      const password = /^First admin: admin \/ (\S+) /.exec(lines[0] ?? '')?.[1] ?? '';
      const admin = new RestClient(t.url);
      expect(await (await admin.login('admin', password)).json()).toMatchObject({ user: { username: 'admin' }, mustChangePassword: true });
      expect(await admin.json('GET', '/api/v1/agents')).toMatchObject({ status: 403, body: { error: 'password_expired' } });
      expect((await admin.json('POST', '/api/v1/auth/password', { currentPassword: password, newPassword: TEST_ADMIN_PASSWORD })).status).toBe(204);
      expect((await admin.json('GET', '/api/v1/agents')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

async function startTestConsoleWithPrintedPassword(lines: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dlp-first-start-'));
  const running = await createConsole({ dataDir, logger: createMemoryLogger(), announce: (line) => void lines.push(line) });
  return {
    url: running.url,
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
