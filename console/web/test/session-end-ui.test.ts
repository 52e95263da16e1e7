import { identityMappingSettings } from '@dlp/shared';
import { enrollAgent } from './simulated-agent';
import { addOfficer, ADMIN_PASSWORD, RestSession, linuxWorkstation, openPage, screenshot, signIn, startUiSuite, type UiSuite } from './ui-harness';

/**
 * Revoked means revoked in the browser too: an officer watching live events is sent to the sign-in
 * page when an admin disables them (the console ends the stream, the re-opened one gets 401). And
 * the identity mapping of workstation accounts is edited on the Settings page, in en and zh-CN.
 * Built console process, built UI in headless Chromium.
 */

const ENROLL_SECRET = 'e2e-session-end-secret-0123456789';
const OFFICER = { username: 'olga', password: 'Officer-Quiet-Harbour-8842' };
jest.setTimeout(120_000);

let suite: UiSuite;
let admin: RestSession;

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-session-end-', enrollSecret: ENROLL_SECRET });
  admin = await RestSession.signIn(suite.dlpConsole.url, 'admin', ADMIN_PASSWORD);
  await addOfficer(suite.dlpConsole.url, OFFICER);
}, 60_000);

afterAll(async () => {
  await suite?.stop();
});

describe('sessions ending and workstation accounts in the UI', () => {
  it('sends an officer watching live events to the sign-in page when an admin disables them', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/events`);
    await signIn(page, OFFICER.username, OFFICER.password);
    await page.locator('.connection[data-status="live"]').waitFor();
    const users = (await admin.send('GET', '/users')).body as { items: Array<{ id: string; username: string }> };
    const officerId = users.items.find((u) => u.username === OFFICER.username)?.id ?? '';
    expect((await admin.send('PATCH', `/users/${officerId}`, { disabled: true })).status).toBe(200);
    await page.getByText('Your session has ended. Please sign in again.').waitFor();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await screenshot(page, suite.screenshotDir, 'session-ended-by-disable-1280');
    expect(pageErrors).toEqual([]);
    await context.close();
    expect((await admin.send('PATCH', `/users/${officerId}`, { disabled: false })).status).toBe(200);
  });

  it('shows the person and the API token behind a decision in the exceptions list', async () => {
    const { agentId } = await enrollAgent(suite.dlpConsole.url, ENROLL_SECRET, linuxWorkstation('ws-finance-02', 'bob'));
    const officer = await RestSession.signIn(suite.dlpConsole.url, OFFICER.username, OFFICER.password);
    const filed = await officer.send('POST', '/exceptions', { agentId, target: { kind: 'app', sha256: 'c'.repeat(64), exePath: '/opt/tool' }, justification: 'month-end close', requestedMinutes: 30 });
    expect(filed.status).toBe(201);
    const id = (filed.body as { exception: { id: string } }).exception.id;
    const created = await admin.send('POST', '/api-tokens', { name: 'soc bot', role: 'officer' });
    const token = (created.body as { token: string }).token;
    const approved = await fetch(`${suite.dlpConsole.url}/api/v1/exceptions/${id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'ticket 4711' }),
    });
    expect(approved.status).toBe(200);

    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/exceptions`);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByLabel('State').selectOption({ label: 'Approved' });
    await page.getByText('by admin (API token “soc bot”)').waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('edits the workstation account mapping on the Settings page, with a preview and a refusal of bad rules', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/settings`);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('heading', { name: 'Workstation accounts' }).waitFor();
    // Default: the domain is stripped.
    await page.getByTestId('identity-preview').filter({ hasText: 'Maps to the console account “olga”.' }).waitFor();

    await page.getByRole('button', { name: 'Add a rule' }).click();
    await page.getByLabel('Reported name pattern (rule 1)').fill('CORP\\jdoe');
    // `{user}` in the account needs `{user}` in the pattern: refused before anything is sent.
    await page.getByRole('button', { name: 'Save account mapping' }).click();
    await page.getByRole('alert').filter({ hasText: 'Rule 1 is not valid' }).waitFor();
    expect(identityMappingSettings.parse((await admin.send('GET', '/settings/identity-mapping')).body)).toEqual({ rules: [], stripDomain: true });

    await page.getByLabel('Console account (rule 1)').fill('olga');
    await page.getByLabel('When no rule matches, drop a DOMAIN\\ prefix and an @domain suffix').uncheck();
    await page.getByLabel('Try a reported name').fill('corp\\JDOE');
    await page.getByTestId('identity-preview').filter({ hasText: 'Maps to the console account “olga”.' }).waitFor();
    await page.getByLabel('Try a reported name').fill('LAB\\olga');
    await page.getByTestId('identity-preview').filter({ hasText: 'Maps to the console account “lab\\olga”.' }).waitFor();
    await page.getByRole('button', { name: 'Save account mapping' }).click();
    await page.getByRole('status').filter({ hasText: 'Account mapping saved.' }).waitFor();
    expect(identityMappingSettings.parse((await admin.send('GET', '/settings/identity-mapping')).body)).toEqual({ rules: [{ pattern: 'CORP\\jdoe', account: 'olga' }], stripDomain: false });
    await screenshot(page, suite.screenshotDir, 'settings-identity-mapping-1280');
    await context.close();

    const zh = await openPage(suite.browser, `${suite.dlpConsole.url}/#/settings`, { locale: 'zh-CN' });
    await zh.page.getByLabel('用户名').fill('admin');
    await zh.page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await zh.page.getByRole('button', { name: '登录' }).click();
    await zh.page.getByRole('heading', { name: '终端账户对应' }).waitFor();
    await expect(zh.page.getByLabel('上报名称模式（规则 1）').inputValue()).resolves.toBe('CORP\\jdoe');
    await screenshot(zh.page, suite.screenshotDir, 'settings-identity-mapping-zh-1280');
    expect([...pageErrors, ...zh.pageErrors]).toEqual([]);
    await zh.context.close();
  });
});
