import type { NewUserRecord } from '../store';
import type { StoreSuite } from './store-suite';

function user(id: string, username: string, overrides: Partial<NewUserRecord> = {}): NewUserRecord {
  return { id, username, role: 'admin', passwordHash: `hash-${id}`, createdAt: '2026-01-01T00:00:00.000Z', disabled: false, ...overrides };
}

/** Users, sessions (shared by every console node), API tokens and settings. */
export const accountsStoreSuite: StoreSuite = (context) => {
  it('stores users with fresh login state, unique names, and counts enabled admins', async () => {
    const { store } = context;
    await store.users.insert(user('u1', 'zhang'));
    await store.users.insert(user('u2', 'admin2', { role: 'officer', mustChangePassword: true }));
    await expect(store.transaction((tx) => tx.users.insert(user('u3', 'zhang')))).rejects.toThrow();
    expect(await store.users.count()).toBe(2);
    expect(await store.users.findByUsername('zhang')).toEqual({
      ...user('u1', 'zhang'),
      passwordChangedAt: '2026-01-01T00:00:00.000Z',
      mustChangePassword: false,
      failedLogins: 0,
      lockedUntilMs: null,
    });
    expect((await store.users.findById('u2'))?.mustChangePassword).toBe(true);
    expect((await store.users.list()).map((u) => u.username)).toEqual(['admin2', 'zhang']);
    expect(await store.users.countEnabledAdmins()).toBe(1);
    await store.users.update('u2', { role: 'admin' });
    await store.users.update('u1', { disabled: true });
    await store.users.update('u1', {});
    expect(await store.users.countEnabledAdmins()).toBe(1);
    expect(await store.users.findById('u1')).toMatchObject({ disabled: true, role: 'admin' });
  });

  it('records password changes and lockouts', async () => {
    const { store } = context;
    await store.users.insert(user('u1', 'li'));
    await store.users.setPassword('u1', 'new-hash', '2026-02-01T00:00:00.000Z', true);
    await store.users.setLoginState('u1', 5, 1_800_000_000_000);
    expect(await store.users.findById('u1')).toMatchObject({
      passwordHash: 'new-hash',
      passwordChangedAt: '2026-02-01T00:00:00.000Z',
      mustChangePassword: true,
      failedLogins: 5,
      lockedUntilMs: 1_800_000_000_000,
    });
    await store.users.setLoginState('u1', 0, null);
    expect((await store.users.findById('u1'))?.lockedUntilMs).toBeNull();
  });

  it('moves the principal epoch on every password, role or enabled change, not on login bookkeeping', async () => {
    const { store } = context;
    const start = await store.users.principalEpoch();
    await store.users.insert(user('u1', 'li'));
    await store.users.setLoginState('u1', 3, null);
    expect(await store.users.principalEpoch()).toBe(start);
    await store.users.setPassword('u1', 'new-hash', '2026-02-01T00:00:00.000Z', false);
    expect(await store.users.principalEpoch()).toBe(start + 1);
    await store.users.update('u1', { role: 'auditor' });
    await store.users.update('u1', { disabled: true });
    expect(await store.users.principalEpoch()).toBe(start + 3);
  });

  it('finds only live sessions of enabled users and ends them selectively', async () => {
    const { store } = context;
    await store.users.insert(user('u1', 'wang'));
    const session = (hash: string, expiresAtMs: number): Parameters<typeof store.sessions.insert>[0] => ({ tokenHash: hash, userId: 'u1', createdAt: '2026-01-01T00:00:00.000Z', expiresAtMs });
    await store.sessions.insert(session('s1', 2_000));
    await store.sessions.insert(session('s2', 3_000));
    await store.sessions.insert(session('s3', 3_000));
    expect(await store.sessions.findActive('s1', 1_000)).toEqual({ session: session('s1', 2_000), user: await store.users.findById('u1') });
    expect(await store.sessions.findActive('s1', 2_000)).toBeUndefined();
    expect(await store.sessions.deleteExpired(2_000)).toBe(1);
    expect(await store.sessions.deleteForUserExcept('u1', 's3')).toBe(1);
    expect(await store.sessions.findActive('s3', 1_000)).toBeDefined();
    await store.users.update('u1', { disabled: true });
    expect(await store.sessions.findActive('s3', 1_000)).toBeUndefined();
    expect(await store.sessions.deleteForUser('u1')).toBe(1);
    await store.sessions.delete('s3');
  });

  it('issues API tokens usable only while unrevoked, unexpired and their creator enabled', async () => {
    const { store } = context;
    await store.users.insert(user('u1', 'admin'));
    const token = { id: 't1', name: 'siem', role: 'auditor' as const, scope: 'api' as const, tokenHash: 'e'.repeat(64), createdBy: 'u1', createdAt: '2026-01-01T00:00:00.000Z', expiresAtMs: 5_000, revokedAt: null, lastUsedAt: null };
    await store.apiTokens.insert(token);
    await store.apiTokens.insert({ ...token, id: 't2', scope: 'metrics', tokenHash: 'f'.repeat(64), createdAt: '2026-01-02T00:00:00.000Z', expiresAtMs: null });
    expect((await store.apiTokens.list()).map((t) => `${t.id}:${t.scope}`)).toEqual(['t2:metrics', 't1:api']);
    expect((await store.apiTokens.findUsable('e'.repeat(64), 4_999))?.creator.username).toBe('admin');
    expect(await store.apiTokens.findUsable('e'.repeat(64), 5_000)).toBeUndefined();

    // Use is recorded at most once a minute.
    await store.apiTokens.touch('t2', new Date('2026-01-03T00:00:00.000Z'));
    await store.apiTokens.touch('t2', new Date('2026-01-03T00:00:30.000Z'));
    expect((await store.apiTokens.findById('t2'))?.lastUsedAt).toBe('2026-01-03T00:00:00.000Z');
    await store.apiTokens.touch('t2', new Date('2026-01-03T00:01:01.000Z'));
    expect((await store.apiTokens.findById('t2'))?.lastUsedAt).toBe('2026-01-03T00:01:01.000Z');

    await store.users.update('u1', { disabled: true });
    expect(await store.apiTokens.findUsable('f'.repeat(64), 0)).toBeUndefined();
    await store.users.update('u1', { disabled: false });
    expect(await store.apiTokens.revoke('t2', '2026-01-04T00:00:00.000Z')).toBe(true);
    expect(await store.apiTokens.revoke('t2', '2026-01-05T00:00:00.000Z')).toBe(false);
    expect(await store.apiTokens.findUsable('f'.repeat(64), 0)).toBeUndefined();
  });

  it('keeps settings as JSON values and overwrites them', async () => {
    const { store } = context;
    expect(await store.settings.get('password')).toBeUndefined();
    await store.settings.set('password', { maxAgeDays: 90, note: '定期更换' });
    await store.settings.set('password', { maxAgeDays: 30, note: '定期更换' });
    expect(await store.settings.get('password')).toEqual({ maxAgeDays: 30, note: '定期更换' });
  });
};
