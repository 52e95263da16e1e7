/* eslint-disable no-restricted-imports -- Node-side end-to-end test: it drives a real browser against a real console process. */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { uuidv7, type AgentEvent, type AgentInfo } from '@dlp/shared';
import { startConsole } from './console-process';
import { SimulatedAgent, enrollAgent } from './simulated-agent';
import { ADMIN_PASSWORD, LINUX_CAPABILITIES, REPO_ROOT, linuxWorkstation, startUiSuite, type UiSuite, openPage as openHarnessPage, screenshot as harnessScreenshot, signIn as harnessSignIn, type OpenedPage } from './ui-harness';

/**
 * The console UI end to end: the real console (built bundle) as a child process, a simulated agent
 * over the real ws protocol, and the built web UI in headless Chromium.
 *
 * Screenshots go to $DLP_UI_SCREENSHOT_DIR when set (kept for people to look at), otherwise to the
 * test's temp folder (removed afterwards).
 */

const ENROLL_SECRET = 'e2e-enroll-secret-0123456789abcd'; // 32 characters
jest.setTimeout(90_000);

const WORKSTATION: AgentInfo = linuxWorkstation('ws-finance-01', 'alice');

let agent: SimulatedAgent;
let policySerial: number;
let nextSeq = 1;
let suite: UiSuite;

function appEvent(name: string, action: AgentEvent['action']): AgentEvent {
  return {
    id: uuidv7(),
    seq: nextSeq++,
    occurredAt: new Date().toISOString(),
    type: 'app',
    action,
    severity: action === 'blocked' ? 'high' : 'medium',
    user: WORKSTATION.user,
    host: WORKSTATION.hostname,
    ruleId: `block-${name}`,
    policySerial,
    subject: { kind: 'process', pid: 4000 + nextSeq, ppid: 1, uid: 1000, exePath: `/usr/bin/${name}`, name, sha256: '3f'.repeat(32), method: 'proc-scan' },
  };
}

function usbEvent(): AgentEvent {
  return {
    id: uuidv7(),
    seq: nextSeq++,
    occurredAt: new Date().toISOString(),
    type: 'usb',
    action: 'blocked',
    severity: 'critical',
    user: WORKSTATION.user,
    host: WORKSTATION.hostname,
    ruleId: 'block-mass-storage',
    policySerial,
    subject: {
      kind: 'device',
      vendorId: '0781',
      productId: '5567',
      vendorName: 'SanDisk',
      productName: 'Cruzer Blade',
      serial: '4C530001',
      interfaces: [8],
      outcome: 'device-blocked',
    },
  };
}

// Thin wrappers over the shared UI harness, bound to this suite's console, browser and folder.
const openPage = (options: { locale?: string; width?: number; height?: number; url?: string } = {}): Promise<OpenedPage> =>
  openHarnessPage(suite.browser, options.url ?? suite.dlpConsole.url, options);
const signIn = (page: Page, password = ADMIN_PASSWORD): Promise<void> => harnessSignIn(page, 'admin', password);
const screenshot = (page: Page, name: string): Promise<void> => harnessScreenshot(page, suite.screenshotDir, name);

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-console-ui-', enrollSecret: ENROLL_SECRET });

  const credentials = await enrollAgent(suite.dlpConsole.url, ENROLL_SECRET, WORKSTATION);
  agent = await SimulatedAgent.connect(suite.dlpConsole.url, credentials, WORKSTATION, LINUX_CAPABILITIES);
  policySerial = (await agent.applyPushedPolicy()).bundle.serial;
  const first = appEvent('wireshark', 'blocked');
  expect(await agent.sendEvents([first])).toBe(first.seq);

}, 60_000);

afterAll(async () => {
  await agent?.close();
  await suite?.stop();
});

describe('console web UI', () => {
  it('explains a wrong password and an unreachable console, and keeps the password out of the URL', async () => {
    const { context, page, pageErrors } = await openPage();
    await screenshot(page, 'login-1280');
    await signIn(page, 'not-the-password');
    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      'Wrong username or password. After 5 failed attempts an account is locked for 15 minutes.',
    );
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    expect(page.url()).not.toContain('not-the-password');

    // The console going away mid-session: the browser cannot connect at all.
    await page.route('**/api/v1/auth/login', (route) => route.abort('internetdisconnected'));
    await signIn(page);
    await page.getByRole('alert').filter({ hasText: 'Cannot reach the console' }).waitFor();
    await screenshot(page, 'login-error-1280');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows the enrolled agent online with its policy and honest capabilities', async () => {
    const { context, page, pageErrors } = await openPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Agents' }).click();
    const row = page.locator('tr', { has: page.getByRole('rowheader', { name: WORKSTATION.hostname }) });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('Online');
    expect(text).toContain('Linux');
    expect(text).toContain('alice');
    expect(text).toContain('Default v1');
    // The compact row (one line) keeps the capability report in its details, one click away.
    await row.getByRole('button', { name: `Details of ${WORKSTATION.hostname}` }).click();
    const details = await page.locator('tr.agent-details-row').innerText();
    expect(details).toContain('App control: /proc scan (after start)');
    expect(details).toContain('Window capture exclusion: not available on Linux');
    await expect(page.getByRole('banner').innerText()).resolves.toMatch(/admin\s+Administrator/);
    await screenshot(page, 'agents-1280');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(page, 'agents-1920');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('lists stored events and adds new batches live, once each, without a reload', async () => {
    const { context, page, pageErrors } = await openPage();
    let loads = 0;
    page.on('load', () => loads++);
    await signIn(page);
    await page.getByRole('link', { name: 'Events' }).click();
    const rows = page.locator('tbody tr[data-event-id]');
    await rows.filter({ hasText: 'wireshark' }).waitFor();
    await page.locator('.connection[data-status="live"]').waitFor();
    const loadsBefore = loads;

    const second = [appEvent('nc', 'would-block'), usbEvent()];
    await agent.sendEvents(second);
    await rows.filter({ hasText: 'USB 0781:5567' }).filter({ hasText: 'whole device blocked' }).waitFor();
    await rows.filter({ hasText: '/usr/bin/nc' }).waitFor();
    // The agent re-sends a batch whose ack it lost; then a new one. The table shows every event once.
    await agent.sendEvents(second);
    const third = appEvent('scrot', 'blocked');
    await agent.sendEvents([third]);
    await page.locator(`tr[data-event-id="${third.id}"]`).waitFor();
    expect(await rows.count()).toBe(4);
    expect(await rows.first().innerText()).toContain('scrot');
    expect(loads).toBe(loadsBefore);

    const blockedBadge = rows.filter({ hasText: 'scrot' }).locator('.badge');
    await expect(blockedBadge.innerText()).resolves.toBe('Blocked');
    expect(await blockedBadge.getAttribute('class')).toContain('badge-red');
    const chart = page.getByRole('img', { name: 'Events per minute, last hour' });
    await expect(chart.getAttribute('aria-describedby')).resolves.toBeTruthy();
    await page.waitForFunction(
      (expected) => document.querySelector('svg.minute-chart desc')?.textContent?.startsWith(expected) ?? false,
      'Last hour, 4 in total: Blocked 3 and Would block 1.',
    );
    await screenshot(page, 'events-1280');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(page, 'events-1920');

    await page.getByLabel('Action').selectOption('would-block');
    await rows.filter({ hasText: 'scrot' }).waitFor({ state: 'detached' });
    await rows.filter({ hasText: '/usr/bin/nc' }).waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('/usr/bin/nc');

    // A row that arrived live opens in Search & triage with its drawer: the rule, why, triage.
    await rows.filter({ hasText: '/usr/bin/nc' }).getByRole('link', { name: /^Open this Application event of / }).click();
    const drawer = page.locator('aside.drawer[role="dialog"]');
    await drawer.waitFor();
    expect(page.url()).toContain('#/search?');
    expect(await drawer.innerText()).toContain('/usr/bin/nc');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('switches to Simplified Chinese, remembers it, and starts in Chinese for zh browsers', async () => {
    const { context, page, pageErrors } = await openPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Events' }).waitFor();
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('link', { name: '终端', exact: true }).waitFor();
    await page.getByRole('link', { name: '事件', exact: true }).click();
    await page.getByRole('heading', { name: '事件' }).waitFor();
    await page.locator('tbody tr', { hasText: 'wireshark' }).getByText('已阻止').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await screenshot(page, 'events-zh-1280');

    await page.reload();
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await context.close();

    const zhBrowser = await openPage({ locale: 'zh-CN' });
    await zhBrowser.page.getByRole('heading', { name: '登录' }).waitFor();
    await zhBrowser.page.getByLabel('用户名').waitFor();
    expect(zhBrowser.pageErrors).toEqual([]);
    await zhBrowser.context.close();
    expect(pageErrors).toEqual([]);
  });

  it('tells an admin how to enroll a workstation while no agent is enrolled', async () => {
    const emptyConsole = await startConsole({
      repoRoot: REPO_ROOT,
      dataDir: path.join(suite.tempDir, 'empty-console'),
      adminPassword: ADMIN_PASSWORD,
      localEnrollSecret: ENROLL_SECRET,
    });
    try {
      const { context, page, pageErrors } = await openPage({ url: `${emptyConsole.url}/#/agents` });
      await signIn(page);
      await page.getByRole('heading', { name: 'No agents enrolled yet' }).waitFor();
      const instructions = await page.locator('.empty-state').innerText();
      expect(instructions).toContain('DLP_LOCAL_ENROLL_SECRET');
      expect(instructions).toContain(`"consoleUrl": "${emptyConsole.url.replace(/^http/, 'ws')}/agent"`);
      await screenshot(page, 'agents-empty-1280');
      expect(pageErrors).toEqual([]);
      await context.close();
    } finally {
      await emptyConsole.stop();
    }
  });

  it('sends the reader back to sign-in, with a notice, when the session ends elsewhere', async () => {
    const { context, page, pageErrors } = await openPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('rowheader', { name: WORKSTATION.hostname }).waitFor();
    // The same session signed out from another tab: the cookie no longer opens anything.
    const response = await page.request.post(`${suite.dlpConsole.url}/api/v1/auth/logout`, { data: {} });
    expect(response.status()).toBe(204);
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Your session has ended. Please sign in again.' }).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('signs out so that a reload asks for the password again', async () => {
    const { context, page, pageErrors } = await openPage();
    await signIn(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
