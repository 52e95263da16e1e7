import { LoginThrottle } from '../auth/login-throttle';
import { RestClient } from '../testing/rest-client';
import { startTestConsole, TEST_ADMIN_PASSWORD, type TestConsole } from '../testing/test-console';
import { createTestUser } from '../testing/test-users';

// Every login runs scrypt (~0.1 s, much more on a busy machine): ~100 logins in one test.
jest.setTimeout(240_000);

/** Short delays so the brake is visible in the log without making the test slow (no timing is asserted). */
const FAST_BRAKE = { freeFailures: 3, baseDelayMs: 1, maxDelayMs: 16 };

function slowedDelays(t: TestConsole): number[] {
  return t.logger.records.filter((r) => r.msg === 'login slowed').map((r) => Number(r.delayedMs));
}

describe('login protection', () => {
  let t: TestConsole;
  afterEach(async () => {
    await t.stop();
  });

  it('slows an address that keeps failing instead of locking out everybody behind it', async () => {
    t = await startTestConsole({ loginThrottle: FAST_BRAKE });
    const colleague = await createTestUser(t, 'officer', 'olga');
    const attacker = new RestClient(t.console.url);
    for (let i = 0; i < 20; i++) expect((await attacker.login(`nobody-${i}`, `guess ${i}`)).status).toBe(401);
    const delays = slowedDelays(t);
    // The first attempt after the free failures (plus one being counted) is the first to wait.
    expect(delays.length).toBe(20 - FAST_BRAKE.freeFailures - 1);
    // The delay grows with every failure past the allowance, up to the cap.
    expect(delays.slice(0, 5)).toEqual([1, 2, 4, 8, 16]);
    expect(Math.max(...delays)).toBe(16);
    // Somebody else behind the same address still gets in, only later: no 429, no lockout.
    const created = await t.admin.json('POST', '/api/v1/users', { username: 'petra', role: 'auditor', password: colleague.password, mustChangePassword: false });
    expect(created.status).toBe(201);
    expect((await new RestClient(t.console.url).login('petra', colleague.password)).status).toBe(200);
    expect(slowedDelays(t).length).toBe(delays.length + 1);
    // Olga logged in from here before the attack: her own logins skip the delay.
    expect((await new RestClient(t.console.url).login('olga', colleague.password)).status).toBe(200);
    expect(slowedDelays(t).length).toBe(delays.length + 1);
  });

  it('never resets the address brake on someone else’s success (87 failures interleaved with good logins)', async () => {
    t = await startTestConsole({ loginThrottle: FAST_BRAKE });
    const client = new RestClient(t.console.url);
    const statuses: number[] = [];
    for (let i = 0; i < 87; i++) {
      statuses.push((await client.login(`sprayed-${i}`, `guess ${i}`)).status);
      if (i % 10 === 9) expect((await client.login('admin', TEST_ADMIN_PASSWORD)).status).toBe(200);
    }
    expect(new Set(statuses)).toEqual(new Set([401]));
    const failedAfterSuccess = t.logger.records.filter((r) => r.msg === 'login slowed');
    // Every guess after the first few was slowed at the cap, the ones right after a good login too.
    expect(failedAfterSuccess.length).toBeGreaterThanOrEqual(87 - FAST_BRAKE.freeFailures - 1);
    expect(slowedDelays(t).slice(-70).every((ms) => ms === 16)).toBe(true);
  });

  it('answers unknown, wrong-password, disabled and locked users identically, and locks per account', async () => {
    t = await startTestConsole({ loginThrottle: FAST_BRAKE });
    const user = await createTestUser(t, 'officer', 'lena');
    const disabled = await createTestUser(t, 'auditor', 'dora');
    expect((await t.admin.json('PATCH', `/api/v1/users/${disabled.id}`, { disabled: true })).status).toBe(200);
    const client = new RestClient(t.console.url);
    const answer = async (username: string, password: string) => {
      const res = await client.login(username, password);
      return { status: res.status, body: await res.json(), cookie: res.headers.get('set-cookie') };
    };
    const unknown = await answer('no-such-user', 'some guess here');
    expect(unknown).toEqual({ status: 401, body: { ok: false, error: 'invalid_credentials', message: expect.any(String) }, cookie: null });
    for (let i = 0; i < 5; i++) expect(await answer('lena', `guess number ${i}`)).toEqual(unknown);
    expect(await answer('dora', disabled.password)).toEqual(unknown);
    // Locked now: the right password gets the same answer as everything else.
    expect(await answer('lena', user.password)).toEqual(unknown);
    // After 5 failures more, an unknown name still answers the same (it used to answer 401 while real ones said 429).
    for (let i = 0; i < 6; i++) expect(await answer('ghost', `guess number ${i}`)).toEqual(unknown);
    // The lock is per account: another person is not affected.
    const other = await createTestUser(t, 'officer', 'oscar');
    expect((await new RestClient(t.console.url).login('oscar', other.password)).status).toBe(200);

    const audit = await t.admin.json<{ items: { action: string; after?: { reason?: string } }[] }>('GET', '/api/v1/audit?action=auth.&limit=100');
    const reasons = audit.body.items.filter((e) => e.action === 'auth.login_failed').map((e) => e.after?.reason);
    expect(reasons).toEqual(expect.arrayContaining(['unknown_user', 'wrong_password', 'disabled', 'account_locked']));
    expect(audit.body.items.filter((e) => e.action === 'auth.lockout')).toHaveLength(1);
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    t = await startTestConsole({ loginThrottle: FAST_BRAKE });
    const direct = new RestClient(t.console.url);
    await direct.call('POST', '/api/v1/auth/login', { username: 'nobody', password: 'a wrong guess' }, { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' });
    await t.stop();

    t = await startTestConsole({ loginThrottle: FAST_BRAKE, trustProxy: '127.0.0.1,::1' });
    const proxied = new RestClient(t.console.url);
    // A client-supplied hop to the left of the real one is not believed: the proxy appended the real address.
    for (let i = 0; i < 5; i++) {
      await proxied.call('POST', '/api/v1/auth/login', { username: `nobody-${i}`, password: 'a wrong guess' }, { 'content-type': 'application/json', 'x-forwarded-for': `10.9.9.${i}, 198.51.100.4` });
    }
    const audit = await t.admin.json<{ items: { action: string; sourceIp: string | null }[] }>('GET', '/api/v1/audit?action=auth.login_failed&limit=20');
    expect(new Set(audit.body.items.map((e) => e.sourceIp))).toEqual(new Set(['198.51.100.4']));
    expect(slowedDelays(t).length).toBeGreaterThan(0);
    // Another client behind the same proxy is a different address: not slowed by 198.51.100.4's failures.
    const before = slowedDelays(t).length;
    await proxied.call('POST', '/api/v1/auth/login', { username: 'nobody-x', password: 'a wrong guess' }, { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.5' });
    expect(slowedDelays(t).length).toBe(before);
  });

  it('refuses a bad --trust-proxy entry at start', async () => {
    await expect(startTestConsole({ trustProxy: '10.0.0.0/99' })).rejects.toThrow(/trust-proxy/);
    t = await startTestConsole();
  });
});

describe('LoginThrottle', () => {
  it('forgives one failure per interval, refuses only a flood of parallel logins, and remembers good logins per person', async () => {
    let now = 1_000_000;
    const waits: Array<() => void> = [];
    const throttle = new LoginThrottle({ freeFailures: 2, baseDelayMs: 100, maxDelayMs: 1000, forgiveEveryMs: 60_000, maxWaitingPerAddress: 2 }, () => new Promise<void>((resolve) => waits.push(resolve)), () => now);
    for (let i = 0; i < 4; i++) throttle.recordFailure('10.0.0.1');
    expect(throttle.delayFor('10.0.0.1', 'anyone')).toBe(200);
    expect(throttle.delayFor('10.0.0.2', 'anyone')).toBe(0);
    now += 60_000;
    expect(throttle.delayFor('10.0.0.1', 'anyone')).toBe(100);
    // Two logins wait out their delay; a third at the same time is refused, not queued without bound.
    const first = throttle.admit('10.0.0.1', 'a');
    const second = throttle.admit('10.0.0.1', 'b');
    expect(await throttle.admit('10.0.0.1', 'c')).toEqual({ admitted: false, retryAfterS: 1 });
    for (const release of waits) release();
    expect(await first).toEqual({ admitted: true, delayedMs: 100 });
    expect(await second).toEqual({ admitted: true, delayedMs: 100 });
    // A good login lets that person skip the delay from here; the address stays slowed for others.
    throttle.recordSuccess('10.0.0.1', 'Olga');
    expect(throttle.delayFor('10.0.0.1', 'olga')).toBe(0);
    expect(throttle.delayFor('10.0.0.1', 'mallory')).toBe(100);
    now += 10 * 60_000;
    expect(throttle.delayFor('10.0.0.1', 'mallory')).toBe(0);
  });
});
