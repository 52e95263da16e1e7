import { agentResponse, consoleSettings, exceptionPage, groupList, policySaved, type AgentInfo } from '@dlp/shared';
import { SimulatedAgent, enrollAgent } from './simulated-agent';
import { addOfficer, ADMIN_PASSWORD, LINUX_CAPABILITIES, RestSession, linuxWorkstation, openPage, screenshot, signIn, startUiSuite, type UiSuite } from './ui-harness';

/**
 * Admin pages that used to exist only in the API: moving an agent to another group (with the policy
 * push it causes), renaming and deleting groups, the password rotation setting, and an officer
 * filing an exception on an employee's behalf. Built console process, a simulated agent over the
 * real ws protocol, built UI in headless Chromium.
 */

const ENROLL_SECRET = 'e2e-admin-gaps-secret-0123456789';
const OFFICER = { username: 'oscar', password: 'Officer-Quiet-Harbour-8842' };
const WORKSTATION: AgentInfo = linuxWorkstation('ws-kiosk-01', 'alice');
jest.setTimeout(120_000);

let suite: UiSuite;
let agent: SimulatedAgent;
let agentId: string;
let admin: RestSession;
let kioskPolicySerial: number;

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-admin-gaps-', enrollSecret: ENROLL_SECRET });
  const credentials = await enrollAgent(suite.dlpConsole.url, ENROLL_SECRET, WORKSTATION);
  agentId = credentials.agentId;
  agent = await SimulatedAgent.connect(suite.dlpConsole.url, credentials, WORKSTATION, LINUX_CAPABILITIES);
  await agent.applyPushedPolicy();

  admin = await RestSession.signIn(suite.dlpConsole.url, 'admin', ADMIN_PASSWORD);
  const policy = await admin.send('POST', '/policies', { document: { schema: 'dlp.policy/v1', name: 'Kiosk lockdown', mode: 'enforce' } });
  expect(policy.status).toBe(201);
  const saved = policySaved.parse(policy.body).policy;
  kioskPolicySerial = saved.serial;
  expect((await admin.send('POST', '/groups', { name: 'Kiosks', policyId: saved.id })).status).toBe(201);
  await addOfficer(suite.dlpConsole.url, OFFICER);
}, 60_000);

afterAll(async () => {
  await agent?.close();
  await suite?.stop();
});

async function groupsByName(): Promise<Map<string, string>> {
  const groups = groupList.parse((await admin.send('GET', '/groups')).body).items;
  return new Map(groups.map((group) => [group.name, group.id]));
}

describe('admin UI for API-only features', () => {
  it('moves an agent to another group after saying the policy is pushed at once, then shows the effective policy', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents`);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    const row = page.locator(`tr[data-agent-id="${agentId}"]`);
    await row.locator('td.cell-group', { hasText: 'Default' }).waitFor();
    await row.getByRole('button', { name: 'Move ws-kiosk-01 to another group' }).click();

    const dialog = page.getByRole('dialog', { name: 'Move ws-kiosk-01 to another group' });
    await dialog.getByText('Now in group: Default').waitFor();
    // The current group is not offered as a destination (the list loads after the dialog opens).
    const choices = dialog.getByLabel('New group').locator('option');
    await choices.filter({ hasText: 'Kiosks' }).waitFor({ state: 'attached' });
    expect(await choices.allInnerTexts()).toEqual(['Choose a group…', 'Kiosks']);
    await dialog.getByLabel('New group').selectOption({ label: 'Kiosks' });
    const warning = dialog.getByRole('note');
    await expect(warning.innerText()).resolves.toBe(
      'ws-kiosk-01 will enforce the policy of group Kiosks: “Kiosk lockdown” v1. The console pushes it to the agent at once (an offline agent gets it when it reconnects).',
    );
    await screenshot(page, suite.screenshotDir, 'agent-move-confirm-1280');
    await dialog.getByRole('button', { name: 'Move and push policy' }).click();

    await dialog.getByRole('status').filter({ hasText: 'ws-kiosk-01 is now in group Kiosks.' }).waitFor();
    const facts = dialog.getByTestId('effective-policy');
    await facts.getByText(`group “Kiosks” → policy “Kiosk lockdown” v1 (serial ${kioskPolicySerial})`).waitFor();
    await facts.getByText('Waiting for the agent').waitFor();

    // The push really happened: the connected agent receives the group's policy and applies it.
    const pushed = await agent.applyPushedPolicy();
    expect(pushed.bundle.document.name).toBe('Kiosk lockdown');
    await dialog.getByRole('button', { name: 'Check again' }).click();
    await facts.getByText('In sync').waitFor();
    await expect(facts.innerText()).resolves.toContain(`serial ${pushed.bundle.serial}\nIn sync`);
    await screenshot(page, suite.screenshotDir, 'agent-move-result-1280');
    await dialog.getByRole('button', { name: 'Close' }).last().click();
    await row.locator('td.cell-group', { hasText: 'Kiosks' }).waitFor();

    const stored = agentResponse.parse((await admin.send('GET', `/agents/${agentId}`)).body).agent;
    expect(stored.group?.name).toBe('Kiosks');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('renames a group, explains why the built-in group is fixed, and shows why a group with agents cannot be deleted', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/groups`);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    const ids = await groupsByName();
    const builtIn = page.locator('tr[data-group-id="default"]');
    await builtIn.getByText('Built-in: cannot be renamed or deleted (agents enrolled without a group join it).').waitFor();
    expect(await builtIn.getByRole('button', { name: /Delete|Rename/ }).count()).toBe(0);

    await page.getByLabel('New group').fill('Temporary');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('rowheader', { name: 'Temporary' }).waitFor();

    const kiosks = page.locator(`tr[data-group-id="${ids.get('Kiosks') ?? ''}"]`);
    await kiosks.getByRole('button', { name: 'Rename group Kiosks' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename group Kiosks' });
    await rename.getByLabel('New name').fill('Temporary');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await rename.getByRole('alert').filter({ hasText: 'A group with this name already exists.' }).waitFor();
    await rename.getByLabel('New name').fill('Kiosk floor');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await kiosks.getByRole('rowheader', { name: 'Kiosk floor' }).waitFor();
    expect((await groupsByName()).has('Kiosk floor')).toBe(true);

    await kiosks.getByRole('button', { name: 'Delete group Kiosk floor' }).click();
    const remove = page.getByRole('dialog', { name: 'Delete group Kiosk floor' });
    await remove.getByRole('note').filter({ hasText: 'This group still has 1 agent(s)' }).waitFor();
    await remove.getByRole('button', { name: 'Delete group' }).click();
    await remove
      .getByRole('alert')
      .filter({ hasText: 'The group is not empty: move its agents (revoked ones count too) to another group and delete its enroll secrets first.' })
      .waitFor();
    await remove.getByText('The console says: Move the group’s agents to another group first (revoked agents count too).').waitFor();
    await screenshot(page, suite.screenshotDir, 'group-delete-refused-1280');
    await remove.getByRole('button', { name: 'Cancel' }).click();
    expect((await groupsByName()).has('Kiosk floor')).toBe(true);

    // An empty group goes away.
    await page.getByRole('button', { name: 'Delete group Temporary' }).click();
    await page.getByRole('dialog', { name: 'Delete group Temporary' }).getByRole('button', { name: 'Delete group' }).click();
    await page.getByRole('rowheader', { name: 'Temporary' }).waitFor({ state: 'detached' });
    expect((await groupsByName()).has('Temporary')).toBe(false);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('sets password rotation on the Settings page, refusing an out-of-range period', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, suite.dlpConsole.url);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByTestId('rotation-current').filter({ hasText: 'Now: no forced rotation.' }).waitFor();
    await page.getByLabel('Require a new password regularly').check();
    await page.getByLabel('Maximum password age (days)').fill('5000');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter a whole number of days from 1 to 3650.' }).waitFor();
    expect(consoleSettings.parse((await admin.send('GET', '/settings')).body).passwordMaxAgeDays).toBeNull();

    await page.getByLabel('Maximum password age (days)').fill('90');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    expect(consoleSettings.parse((await admin.send('GET', '/settings')).body)).toEqual({ passwordMaxAgeDays: 90 });
    await screenshot(page, suite.screenshotDir, 'settings-rotation-1280');
    await context.close();

    // A reader of Chinese sees the stored value in their language; officers get no Settings page.
    const zh = await openPage(suite.browser, `${suite.dlpConsole.url}/#/settings`, { locale: 'zh-CN' });
    await zh.page.getByLabel('用户名').fill('admin');
    await zh.page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await zh.page.getByRole('button', { name: '登录' }).click();
    await zh.page.getByTestId('rotation-current').filter({ hasText: '当前：密码每 90 天必须更换一次。' }).waitFor();
    await expect(zh.page.getByLabel('密码最长使用期限（天）').inputValue()).resolves.toBe('90');
    await screenshot(zh.page, suite.screenshotDir, 'settings-rotation-zh-1280');
    expect([...pageErrors, ...zh.pageErrors]).toEqual([]);
    await zh.context.close();
  });

  it('lets an officer file an exception on an employee\'s behalf, which joins the queue and which they cannot decide', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/exceptions`);
    await signIn(page, OFFICER.username, OFFICER.password);
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await page.getByRole('button', { name: 'File a request' }).click();
    const dialog = page.getByRole('dialog', { name: 'File an exception request for an employee' });
    await dialog.getByLabel('Workstation').selectOption({ label: 'ws-kiosk-01 (alice)' });
    await dialog.getByLabel('Exception for').selectOption({ label: 'A program' });
    await dialog.getByLabel('Program path').fill('relative/reader');
    await dialog.getByLabel('SHA-256 of the program').fill('AB'.repeat(32));
    await dialog.getByLabel('Why the employee needs it').fill('Reads the branch statements');
    await dialog.getByRole('button', { name: 'File request' }).click();
    // Refused in the page with the field's path, before anything reaches the console.
    await dialog.getByRole('alert').filter({ hasText: 'target.exePath' }).waitFor();

    await dialog.getByLabel('Program path').fill('/opt/branch/bin/reader');
    await dialog.getByLabel('Requested duration').selectOption('1440');
    await screenshot(page, suite.screenshotDir, 'exception-file-1280');
    await dialog.getByRole('button', { name: 'File request' }).click();
    await dialog.waitFor({ state: 'detached' });

    const row = page.locator('tr[data-exception-id]', { hasText: 'Reads the branch statements' });
    await row.waitFor();
    await expect(row.innerText()).resolves.toContain('/opt/branch/bin/reader');
    const pending = exceptionPage.parse((await admin.send('GET', '/exceptions?state=pending')).body).items;
    expect(pending).toEqual([
      expect.objectContaining({
        agentId,
        requestedBy: null,
        createdBy: expect.objectContaining({ username: OFFICER.username }),
        requestedMinutes: 1440,
        target: { kind: 'app', sha256: 'ab'.repeat(32), exePath: '/opt/branch/bin/reader' },
      }),
    ]);

    await row.getByRole('button', { name: 'Approve' }).click();
    const approve = page.getByRole('dialog', { name: 'Approve exception' });
    await approve.getByRole('button', { name: 'Approve' }).click();
    await approve.getByRole('alert').filter({ hasText: 'Nobody may decide on an exception request they made themselves.' }).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
