/* eslint-disable no-restricted-imports -- Node-side end-to-end test: it drives a real browser against a real console process. */
import path from 'node:path';
import { uuidv7, type AgentEvent, type AgentInfo } from '@dlp/shared';
import { startConsole } from './console-process';
import { SimulatedAgent, enrollAgent } from './simulated-agent';
import { addOfficer, ADMIN_PASSWORD, LINUX_CAPABILITIES, REPO_ROOT, linuxWorkstation, startUiSuite, type UiSuite, UI_TIMEOUT_MS, openPage, screenshot, signIn } from './ui-harness';

/**
 * The management pages end to end: the built console as a child process, simulated agents over the
 * real ws protocol, and the built UI in headless Chromium. Screenshots go to $DLP_UI_SCREENSHOT_DIR
 * when set, otherwise to the test's temp folder (removed afterwards).
 */

const OFFICER = { username: 'olivia', password: 'Officer-Ledger-Harbour-5521' };
const ENROLL_SECRET = 'e2e-enroll-secret-0123456789abcd';
const COMMON_PASSWORD = '123qweasdzxc'; // 12 characters, on the shipped common-password list
jest.setTimeout(120_000);

const WORKSTATION: AgentInfo = linuxWorkstation('ws-finance-01', 'alice');
const STICK = { vendorId: '0781', productId: '5567', serial: '4C530001' };

let agent: SimulatedAgent;
let agentId: string;
let suite: UiSuite;

function blockedRun(name: string, seq: number, policySerial: number): AgentEvent {
  return {
    id: uuidv7(),
    seq,
    occurredAt: new Date().toISOString(),
    type: 'app',
    action: 'would-block',
    severity: 'medium',
    user: WORKSTATION.user,
    host: WORKSTATION.hostname,
    ruleId: null,
    policySerial,
    subject: { kind: 'process', pid: 4000 + seq, ppid: 1, uid: 1000, exePath: `/usr/bin/${name}`, name, sha256: '3f'.repeat(32), method: 'proc-scan' },
  };
}

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-console-manage-', enrollSecret: ENROLL_SECRET });

  const credentials = await enrollAgent(suite.dlpConsole.url, ENROLL_SECRET, WORKSTATION);
  agentId = credentials.agentId;
  agent = await SimulatedAgent.connect(suite.dlpConsole.url, credentials, WORKSTATION, LINUX_CAPABILITIES);
  const serial = (await agent.applyPushedPolicy()).bundle.serial;
  await agent.sendEvents([blockedRun('wireshark', 1, serial), blockedRun('wireshark', 2, serial), blockedRun('nmap', 3, serial)]);

  await addOfficer(suite.dlpConsole.url, OFFICER);

}, 60_000);

afterAll(async () => {
  await agent?.close();
  await suite?.stop();
});

describe('console management UI', () => {
  it('makes the first admin replace the printed password, refusing a common one in words, then opens the console', async () => {
    const fresh = await startConsole({ repoRoot: REPO_ROOT, dataDir: path.join(suite.tempDir, 'fresh-console'), localEnrollSecret: ENROLL_SECRET });
    try {
      const printed = fresh.announcedAdminPassword();
      expect(printed).not.toBeNull();
      const { context, page, pageErrors } = await openPage(suite.browser, fresh.url);
      await signIn(page, 'admin', printed ?? '');
      await page.getByRole('heading', { name: 'Set a new password' }).waitFor();
      // Nothing else is reachable yet: no navigation is shown.
      expect(await page.getByRole('navigation').count()).toBe(0);

      await page.getByLabel('Current password').fill(printed ?? '');
      await page.getByLabel('New password', { exact: true }).fill(COMMON_PASSWORD);
      await page.getByLabel('Repeat the new password').fill(COMMON_PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('alert').filter({ hasText: 'The new password is too common' }).waitFor();
      await screenshot(page, suite.screenshotDir, 'password-forced-refused-1280');

      const chosen = 'Harbour-Lantern-Quiet-4471';
      await page.getByLabel('New password', { exact: true }).fill(chosen);
      await page.getByLabel('Repeat the new password').fill(chosen);
      await page.getByRole('button', { name: 'Change password' }).click();
      // Admins land on the Agents page, their fleet overview (issue 17 item 1).
      await page.getByRole('heading', { name: 'Agents', exact: true }).waitFor();
      await page.getByRole('link', { name: 'Policies' }).click();
      await page.getByRole('link', { name: 'Default' }).waitFor();

      // The new password is the one that works from now on; the printed one no longer does.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn(page, 'admin', printed ?? '');
      await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
      await signIn(page, 'admin', chosen);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      expect(pageErrors).toEqual([]);
      await context.close();
    } finally {
      await fresh.stop();
    }
  });

  it('lets an officer approve a request the agent sent, shortening it, and the agent receives it signed', async () => {
    agent.requestException({ kind: 'usb-device', device: STICK }, 'Quarterly audit files for the regulator', 240, WORKSTATION.user ?? null);
    const { context, page, pageErrors } = await openPage(suite.browser, suite.dlpConsole.url);
    await signIn(page, OFFICER.username, OFFICER.password);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Exceptions' }).click();
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Agents', 'Events', 'Search & triage', 'Reports', 'Exceptions', 'Alerts']);

    const row = page.locator('tr[data-exception-id]', { hasText: 'Quarterly audit files' });
    await row.waitFor();
    expect(await row.innerText()).toContain('USB 0781:5567');
    await screenshot(page, suite.screenshotDir, 'exceptions-pending-1280');
    await row.getByRole('button', { name: 'Approve' }).click();
    const dialog = page.getByRole('dialog', { name: 'Approve exception' });
    await dialog.getByLabel('Grant for (minutes)').fill('60');
    await dialog.getByLabel('Note (optional, kept with the decision)').fill('One hour is enough');
    await screenshot(page, suite.screenshotDir, 'exceptions-approve-dialog-1280');
    await dialog.getByRole('button', { name: 'Approve' }).click();

    const signed = await agent.receiveException();
    expect(signed.exception).toMatchObject({ agentId, target: { kind: 'usb-device', device: STICK, action: 'allow' }, grantedBy: OFFICER.username });
    expect(Date.parse(signed.exception.expiresAt) - Date.parse(signed.exception.grantedAt)).toBe(60 * 60_000);

    await page.getByLabel('State').selectOption('approved');
    const approved = page.locator('tr[data-exception-id]', { hasText: 'Quarterly audit files' });
    await approved.getByText('In force on the agent').waitFor();
    expect(await approved.innerText()).toMatch(/Approved[\s\S]*by olivia/);
    await screenshot(page, suite.screenshotDir, 'exceptions-approved-1280');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('issues an offline unlock code shown once in groups of four, with a copy button', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/exceptions`);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.dlpConsole.url });
    await signIn(page, OFFICER.username, OFFICER.password);
    await page.getByRole('button', { name: 'Issue unlock code' }).click();
    const dialog = page.getByRole('dialog', { name: 'Offline unlock code' });
    await dialog.getByLabel('Workstation').selectOption({ label: 'ws-finance-01 (alice)' });
    await dialog.getByLabel('Vendor ID (VID)').fill('0x0781');
    await dialog.getByLabel('Product ID (PID)').fill('5567');
    await dialog.getByLabel('Serial number').fill(STICK.serial);
    await dialog.getByLabel('Reason').fill('Offline branch audit');
    await dialog.getByRole('button', { name: 'Issue code' }).click();
    const groups = dialog.locator('.unlock-code-group');
    await groups.first().waitFor();
    const texts = await groups.allInnerTexts();
    expect(texts).toHaveLength(6);
    for (const group of texts) expect(group).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}$/);
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await dialog.getByRole('button', { name: 'Copied' }).waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(texts.join('-'));
    await screenshot(page, suite.screenshotDir, 'unlock-code-1280');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('edits a draft, shows the console\'s field errors, previews the impact in hosts, users and events, and publishes', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, suite.dlpConsole.url, { width: 1440, height: 900 });
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('link', { name: 'Default' }).click();
    await page.getByRole('heading', { name: /Default/ }).waitFor();
    await screenshot(page, suite.screenshotDir, 'policy-detail-1440');
    await page.getByRole('button', { name: 'New draft from current' }).click();
    // The draft opens as a form; its JSON is the second tab (policy-form-ui.test.ts covers the form).
    await page.getByRole('tab', { name: 'JSON' }).click();
    const editor = page.locator('#draft-json');
    await editor.waitFor();
    const document = JSON.parse(await editor.inputValue()) as { apps: { rules: unknown[] } };

    document.apps.rules = [{ id: 'block-wireshark', action: 'block', kind: 'sha256', value: 'wireshark' }];
    await editor.fill(JSON.stringify(document, null, 2));
    await page.getByRole('button', { name: 'Save draft' }).click();
    const problems = page.getByRole('alert').filter({ hasText: 'The console refused the document' });
    await problems.locator('code', { hasText: 'apps.rules.0.value' }).waitFor();
    expect(await problems.innerText()).toContain('A content hash is 64 lowercase hex characters');

    document.apps.rules = [{ id: 'block-wireshark', action: 'block', kind: 'name', value: 'wireshark', description: 'Packet capture' }];
    await editor.fill(JSON.stringify(document, null, 2));
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('status').filter({ hasText: 'Draft saved.' }).waitFor();

    await page.getByLabel('Events from').selectOption('30');
    await page.getByRole('button', { name: 'Preview impact' }).click();
    // The two wireshark runs were only reported (would-block): newly blocked, on one host by one user.
    const chart = page.getByRole('img', { name: 'Events per bucket, by group, type and reported action' });
    const bar = chart.locator('g[data-bucket="newlyBlocked"] rect.impact-segment');
    await bar.waitFor();
    expect(Number(await bar.getAttribute('width'))).toBeGreaterThan(10);
    await expect(chart.locator('desc').textContent()).resolves.toBe('Newly blocked: default · Application · reported Would block: 2 events');
    const newly = page.locator('section[data-bucket="newlyBlocked"] > .impact-counts');
    await expect(newly.locator('[data-count]').allInnerTexts()).resolves.toEqual(['1', '1', '2']);
    await screenshot(page, suite.screenshotDir, 'draft-impact-1440');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('dialog', { name: 'Publish this draft?' }).getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText(/^Version 2 · serial/).waitFor();
    await page.getByRole('button', { name: 'Compare v1 → v2' }).click();
    await page.locator('.diff-list li', { hasText: '$.apps.rules[0]' }).getByText('Added').waitFor();
    await screenshot(page, suite.screenshotDir, 'policy-diff-1440');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('verifies the audit chain, filters it, and links the CSV export with the same filters', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, suite.dlpConsole.url);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByRole('status').filter({ hasText: /^Chain intact: \d+ rows\. Head hash:/ }).waitFor();

    await page.getByLabel('Action', { exact: true }).fill('user.create');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const rows = page.locator('tr[data-audit-id]');
    await rows.filter({ hasText: 'admin' }).first().waitFor();
    await expect(rows.allInnerTexts()).resolves.toEqual(expect.arrayContaining([expect.stringContaining('user.create')]));
    await page.waitForFunction(() => document.querySelectorAll('tr[data-audit-id]').length === 2); // first admin, then olivia
    await screenshot(page, suite.screenshotDir, 'audit-1280');

    const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(href).toBe('/api/v1/audit/export.csv?action=user.create');
    const csv = await page.request.get(`${suite.dlpConsole.url}${href ?? ''}`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\n').filter((line) => line.includes('user.create'))).toHaveLength(2);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('creates a group and an enroll secret shown once; the agent enrolled with it shows in the rollout', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, suite.dlpConsole.url, { width: 1440, height: 900 });
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Groups' }).click();
    await page.getByLabel('New group').fill('Branch 7');
    await page.getByRole('button', { name: 'Create group' }).click();
    const row = page.locator('tr[data-group-id]', { hasText: 'Branch 7' });
    await row.waitFor();

    await page.getByLabel('Label').fill('branch-7 laptops');
    await page.getByLabel('Group', { exact: true }).selectOption({ label: 'Branch 7' });
    await page.getByRole('button', { name: 'Create secret' }).click();
    const secret = await page.locator('[data-secret]').innerText();
    expect(secret.length).toBeGreaterThanOrEqual(16);

    const laptop: AgentInfo = { ...WORKSTATION, hostname: 'ws-branch7-02', user: 'bob' };
    const second = await SimulatedAgent.connect(suite.dlpConsole.url, await enrollAgent(suite.dlpConsole.url, secret, laptop), laptop, LINUX_CAPABILITIES);
    try {
      // A group without a policy counts its agents as applied; assigning one pushes it at once.
      await row.getByRole('img', { name: /Applied 1, Pending 0, Failed 0, Offline 0/ }).waitFor({ timeout: UI_TIMEOUT_MS });
      await row.getByLabel('Policy of group Branch 7').selectOption({ index: 1 });
      // The select asks first (issue 17 item 7): nothing is pushed until the admin applies.
      await page.getByRole('dialog', { name: 'Confirm the change' }).getByRole('button', { name: 'Apply' }).click();
      await second.applyPushedPolicy();
      await row.getByRole('img', { name: /Applied 1, Pending 0/ }).waitFor({ timeout: UI_TIMEOUT_MS });
      await row.getByText(/serial \d+/).waitFor();
      await screenshot(page, suite.screenshotDir, 'groups-1440');
    } finally {
      await second.close();
    }
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('lets an admin create a user in Chinese, explaining a refused password, marked to change it at first sign-in', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, suite.dlpConsole.url, { locale: 'zh-CN' });
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('link', { name: '用户' }).click();
    await page.getByLabel('用户名', { exact: true }).first().fill('carol');
    await page.getByLabel('角色').first().selectOption('auditor');
    await page.getByLabel('初始密码').fill(COMMON_PASSWORD);
    await page.getByRole('button', { name: '创建用户' }).click();
    await page.getByRole('alert').filter({ hasText: '新密码过于常见' }).waitFor();
    await page.getByLabel('初始密码').fill('Audits-Ledger-Harbour-2026');
    await page.getByRole('button', { name: '创建用户' }).click();
    const row = page.locator('tr[data-username="carol"]');
    await row.getByText('须修改密码').waitFor();
    await screenshot(page, suite.screenshotDir, 'users-zh-1280');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('gives Prometheus a metrics-only token: it scrapes /metrics and reads nothing else', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, suite.dlpConsole.url);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users' }).click();
    const tokens = page.getByRole('region', { name: 'API tokens' });
    await tokens.locator('input[name="token-name"]').fill('prometheus');
    await tokens.getByLabel('Role').selectOption('auditor');
    await tokens.getByLabel('Use').selectOption('metrics');
    await tokens.getByRole('button', { name: 'Create token' }).click();
    const token = (await tokens.locator('[data-secret]').innerText()).trim();
    expect(await tokens.getByRole('row', { name: /prometheus/ }).innerText()).toContain('Metrics only (Prometheus)');

    const get = (url: string): Promise<Response> => fetch(`${suite.dlpConsole.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# TYPE dlp_agents_connected gauge');
    expect((await get('/api/v1/events')).status).toBe(401);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
