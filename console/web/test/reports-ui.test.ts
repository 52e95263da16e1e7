/* eslint-disable no-restricted-imports -- Node-side end-to-end test: it drives a real browser against a real console process. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { uuidv7, type AgentEvent, type AgentInfo } from '@dlp/shared';
import { SimulatedAgent, enrollAgent } from './simulated-agent';
import { addOfficer, ADMIN_PASSWORD, LINUX_CAPABILITIES, linuxWorkstation, startUiSuite, type UiSuite, openPage, screenshot, signIn } from './ui-harness';

/**
 * Officers' search, triage, export and reports pages end to end: the built console as a child
 * process, a simulated agent reporting a known history, and the built UI in headless Chromium.
 */

const OFFICER = { username: 'olivia', password: 'Officer-Ledger-Harbour-5521' };
const ENROLL_SECRET = 'e2e-enroll-secret-reports-0123456789';
jest.setTimeout(120_000);

const FINANCE: AgentInfo = linuxWorkstation('ws-finance-01', 'alice');
const TRADING: AgentInfo = linuxWorkstation('ws-trading-02', 'bob');
const HOUR = 3_600_000;

function appEvent(seq: number, name: string, sha: string, agoMs: number): AgentEvent {
  return {
    id: uuidv7(),
    seq,
    occurredAt: new Date(Date.now() - agoMs).toISOString(),
    type: 'app',
    action: 'blocked',
    severity: 'high',
    user: FINANCE.user,
    host: FINANCE.hostname,
    ruleId: 'block-capture-tools',
    policySerial: null,
    subject: { kind: 'process', pid: 4000 + seq, ppid: 1, uid: 1000, exePath: `/usr/bin/${name}`, name, sha256: sha.repeat(32), method: 'proc-scan' },
  };
}

function usbEvent(seq: number, agoMs: number): AgentEvent {
  return {
    id: uuidv7(),
    seq,
    occurredAt: new Date(Date.now() - agoMs).toISOString(),
    type: 'usb',
    action: 'would-block',
    severity: 'medium',
    user: TRADING.user,
    host: TRADING.hostname,
    ruleId: null,
    policySerial: null,
    subject: { kind: 'device', vendorId: '0781', productId: '5581', serial: 'SN-0001', vendorName: 'SanDisk', productName: 'Ultra', interfaces: [8], outcome: 'unmounted' },
  };
}

let suite: UiSuite;
const agents: SimulatedAgent[] = [];

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-reports-ui-', enrollSecret: ENROLL_SECRET, keepTempDir: Boolean(process.env.DLP_UI_SCREENSHOT_DIR) });

  const finance = await SimulatedAgent.connect(suite.dlpConsole.url, await enrollAgent(suite.dlpConsole.url, ENROLL_SECRET, FINANCE), FINANCE, LINUX_CAPABILITIES);
  const trading = await SimulatedAgent.connect(suite.dlpConsole.url, await enrollAgent(suite.dlpConsole.url, ENROLL_SECRET, TRADING), TRADING, LINUX_CAPABILITIES);
  agents.push(finance, trading);
  // This week: 6 identical wireshark blocks and 3 USB would-blocks; 9 days ago: 2 nmap blocks.
  await finance.sendEvents([
    ...Array.from({ length: 6 }, (_, i) => appEvent(i + 1, 'wireshark', '3f', (i + 1) * HOUR)),
    appEvent(7, 'nmap', '4e', 9 * 24 * HOUR),
    appEvent(8, 'nmap', '4e', 9 * 24 * HOUR + HOUR),
  ]);
  // The three would-blocks fall on one day (the chart draws one would-block bar for them): around
  // noon UTC two days ago, not "48–50 hours ago", which straddles midnight when the test runs soon after it.
  const twoDaysAgoNoonMs = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 2 * 24 * HOUR + 12 * HOUR;
  const agoFromNoon = (offsetHours: number): number => Date.now() - (twoDaysAgoNoonMs + offsetHours * HOUR);
  await trading.sendEvents([usbEvent(1, agoFromNoon(1)), usbEvent(2, agoFromNoon(0)), usbEvent(3, agoFromNoon(-1))]);

  await addOfficer(suite.dlpConsole.url, OFFICER);
}, 60_000);

afterAll(async () => {
  for (const agent of agents) await agent.close().catch(() => undefined);
  await suite?.stop();
});

async function officerPage(): Promise<{ page: Page; pageErrors: string[]; close(): Promise<void> }> {
  const opened = await openPage(suite.browser, suite.dlpConsole.url);
  await signIn(opened.page, OFFICER.username, OFFICER.password);
  await opened.page.getByRole('button', { name: 'Sign out' }).waitFor();
  return { page: opened.page, pageErrors: opened.pageErrors, close: () => opened.context.close() };
}

test('an officer filters, triages a group of identical events with a note, and exports the search as a BOM CSV', async () => {
  const { page, pageErrors, close } = await officerPage();
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Search & triage' }).click();
  await page.getByRole('heading', { name: 'Event search and triage' }).waitFor();
  const form = page.getByRole('form', { name: 'Filters' });
  await form.getByLabel('Host').fill('ws-finance-01');
  await form.getByLabel('Type').selectOption('app');
  await form.getByLabel('Text').fill('wireshark');
  await form.getByRole('button', { name: 'Search' }).click();
  const rows = page.locator('tbody tr[data-event-seq]');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-event-seq]').length === 6);
  expect(await rows.locator('.badge').filter({ hasText: 'New' }).count()).toBe(6);

  await page.getByRole('button', { name: 'Triage event 3 on ws-finance-01' }).click();
  const drawer = page.getByRole('dialog', { name: 'Triage' });
  await drawer.getByText('Nobody has triaged this event yet.').waitFor();
  await drawer.getByText('Escalated', { exact: true }).click();
  await drawer.getByLabel('Applies to').selectOption('group');
  await drawer.getByLabel('Note').fill('Reported to the CISO, 已上报 <b>bold</b>');
  await drawer.getByRole('button', { name: 'Save' }).click();
  await drawer.getByText('Reported to the CISO, 已上报 <b>bold</b>').waitFor();
  await drawer.getByText('New → Escalated').waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('tbody tr[data-event-seq] .badge-red')].filter((b) => b.textContent?.startsWith('Escalated')).length === 6);
  await screenshot(page, suite.screenshotDir, 'triage-drawer-en');
  await drawer.getByRole('button', { name: 'Close' }).click();

  await form.getByLabel('Triage state').selectOption('escalated');
  await form.getByRole('button', { name: 'Search' }).click();
  await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-event-seq]').length === 6);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  const file = await download.path();
  const bytes = readFileSync(file);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
  expect(lines[0]).toMatch(/^Time \(UTC\),Local time \([^)]+\),Agent clock \(UTC\),Host,User,Type,Action,Severity,Rule,Subject,SHA-256,Device,Triage state,Triaged by/);
  expect(lines).toHaveLength(7);
  for (const line of lines.slice(1)) expect(line).toContain(',ws-finance-01,alice,app,blocked,high,block-capture-tools,wireshark (/usr/bin/wireshark),');
  for (const line of lines.slice(1)) expect(line).toContain(',escalated,olivia,');
  expect(pageErrors).toEqual([]);
  await close();
});

test('the reports page draws per-day bars, top lists and a drill-down from seeded events, in English and Chinese', async () => {
  const { page, pageErrors, close } = await officerPage();
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Reports' }).click();
  const chart = page.getByTestId('chart-per-day');
  await chart.getByText('Events per day by action').waitFor();
  const barTotal = (): Promise<number> => chart.locator('g[data-bar]').evaluateAll((bars) => bars.reduce((sum, bar) => sum + Number(bar.getAttribute('data-total')), 0));
  expect(await barTotal()).toBe(9);
  expect(await chart.locator('g[data-bar]').count()).toBe(7);
  expect(await chart.locator('rect.chart-blocked').count()).toBeGreaterThan(0);
  expect(await chart.locator('rect.chart-would-block').count()).toBe(1);
  const hosts = page.getByTestId('top-host');
  expect(await hosts.locator('li').allInnerTexts()).toEqual([expect.stringMatching(/^ws-finance-01\s*6$/), expect.stringMatching(/^ws-trading-02\s*3$/)]);
  await page.getByTestId('top-device').getByRole('button', { name: '0781:5581:SN-0001' }).waitFor();
  await page.getByTestId('week-over-week').getByRole('cell', { name: 'USB device' }).waitFor();

  await hosts.getByRole('button', { name: 'ws-trading-02' }).click();
  const history = page.getByTestId('entity-history');
  await history.getByRole('heading', { name: 'Host ws-trading-02' }).waitFor();
  await history.getByText('Users on this host').waitFor();
  await screenshot(page, suite.screenshotDir, 'reports-en');

  await page.getByLabel('Language').selectOption('zh-CN');
  await page.getByRole('heading', { name: '报表', exact: true }).waitFor();
  await chart.getByText('每日事件数（按动作）').waitFor();
  expect(await barTotal()).toBe(9);
  await page.getByTestId('top-user').getByText('事件最多的用户').waitFor();
  await history.getByRole('heading', { name: '主机 ws-trading-02' }).waitFor();
  await screenshot(page, suite.screenshotDir, 'reports-zh-cn');
  await page.getByLabel('语言').selectOption('en').catch(() => page.locator('.language-switch select').selectOption('en'));
  expect(pageErrors).toEqual([]);
  await close();
});

test('an admin adds a folder-delivered weekly report and runs it now; the run shows as delivered', async () => {
  const opened = await openPage(suite.browser, suite.dlpConsole.url);
  const { page, pageErrors } = opened;
  await signIn(page, 'admin', ADMIN_PASSWORD);
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Reports' }).click();
  const form = page.getByRole('form', { name: 'Add schedule' });
  await form.getByLabel('Name', { exact: true }).fill('Weekly <evidence>');
  await form.getByLabel('Frequency').selectOption('weekly');
  await form.getByLabel('Day').selectOption('1');
  await form.getByLabel('Time zone').fill('Asia/Shanghai');
  await form.getByLabel('Delivery').selectOption('folder');
  await form.getByLabel('Folder name').fill('weekly');
  await form.getByRole('button', { name: 'Add schedule' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Weekly <evidence>' });
  await row.getByText('Every Monday at 08:00 (Asia/Shanghai)').waitFor();
  await row.getByRole('button', { name: 'Run now' }).click();
  await row.getByText(/^Delivered · /).waitFor();
  expect(existsSync(path.join(suite.tempDir, 'console', 'reports', 'weekly'))).toBe(true);

  // A bad time zone is refused with the field named (the page checks with the console's schema).
  await form.getByLabel('Name', { exact: true }).fill('Broken');
  await form.getByLabel('Time zone').fill('Mars/Olympus');
  await form.getByRole('button', { name: 'Add schedule' }).click();
  await page.getByRole('alert').filter({ hasText: 'timeZone' }).waitFor();
  await screenshot(page, suite.screenshotDir, 'report-schedules-en');
  expect(pageErrors).toEqual([]);
  await opened.context.close();
});

test('an admin edits a schedule in a prefilled dialog: a bad recipient is named by its path, then the change is saved', async () => {
  const opened = await openPage(suite.browser, suite.dlpConsole.url);
  const { page, pageErrors } = opened;
  await signIn(page, 'admin', ADMIN_PASSWORD);
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Reports' }).click();
  await page.getByRole('row').filter({ hasText: 'Weekly <evidence>' }).getByRole('button', { name: 'Edit' }).click();

  const dialog = page.getByRole('dialog', { name: 'Edit schedule “Weekly <evidence>”' });
  const form = dialog.getByRole('form', { name: 'Edit schedule' });
  expect(await form.getByLabel('Name', { exact: true }).inputValue()).toBe('Weekly <evidence>');
  expect(await form.getByLabel('Frequency').inputValue()).toBe('weekly');
  expect(await form.getByLabel('Day').inputValue()).toBe('1');
  expect(await form.getByLabel('Time zone').inputValue()).toBe('Asia/Shanghai');
  expect(await form.getByLabel('Delivery').inputValue()).toBe('folder');
  expect(await form.getByLabel('Folder name').inputValue()).toBe('weekly');

  await form.getByLabel('Name', { exact: true }).fill('Daily <evidence>');
  await form.getByLabel('Frequency').selectOption('daily');
  await form.getByLabel('Time', { exact: true }).fill('18:30');
  await form.getByLabel('Delivery').selectOption('smtp');
  await form.getByLabel('Recipients').fill('ciso@example.com, not-an-address');
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await form.getByRole('alert').filter({ hasText: 'delivery.recipients.1' }).waitFor();

  await form.getByLabel('Recipients').fill('ciso@example.com, audit@example.com');
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await page.getByRole('status').filter({ hasText: 'Schedule “Daily <evidence>” saved.' }).waitFor();
  expect(await page.getByRole('dialog').count()).toBe(0);
  const row = page.getByRole('row').filter({ hasText: 'Daily <evidence>' });
  await row.getByText('Daily at 18:30 (Asia/Shanghai)').waitFor();
  await row.getByText('ciso@example.com, audit@example.com').waitFor();
  expect(await page.getByRole('row').filter({ hasText: 'Weekly <evidence>' }).count()).toBe(0);

  // The same dialog in Chinese.
  await page.getByLabel('Language', { exact: true }).selectOption('zh-CN');
  await row.getByRole('button', { name: '编辑' }).click();
  const chinese = page.getByRole('dialog', { name: '编辑定时报表“Daily <evidence>”' });
  expect(await chinese.getByLabel('收件人').inputValue()).toBe('ciso@example.com, audit@example.com');
  await screenshot(page, suite.screenshotDir, 'report-schedule-edit-zh-cn');
  await chinese.getByRole('button', { name: '取消' }).click();
  expect(await page.getByRole('dialog').count()).toBe(0);
  expect(pageErrors).toEqual([]);
  await opened.context.close();
});
