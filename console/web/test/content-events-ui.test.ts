import type { Page } from 'playwright-core';
import { uuidv7, type AgentInfo } from '@dlp/shared';
import { SimulatedAgent, enrollAgent } from './simulated-agent';
import { ADMIN_PASSWORD, LINUX_CAPABILITIES, RestSession, addOfficer, linuxWorkstation, openPage, screenshot, signIn, startUiSuite, type UiSuite } from './ui-harness';

/**
 * The console side of content-aware protection (issue 16 item 5), in Chromium against the built
 * console and simulated agents sending real `content` events over the WebSocket: the event detail
 * block in the Search & triage drawer (channel, file, threshold, detector bars, redacted samples), the
 * "top hosts and users by customer-data events" report with a drill-down whose count matches, in
 * English and Chinese; and a raw ID an agent sends as a "sample" never reaching the console's API or
 * page. Screenshots go to $DLP_UI_SCREENSHOT_DIR.
 */

const ENROLL_SECRET = 'e2e-content-events-secret-0123456789';
const OFFICER = { username: 'olivia', password: 'Officer-Amber-Lantern-4417' };
jest.setTimeout(180_000);

const FINANCE: AgentInfo = linuxWorkstation('ws-finance-01', 'alice');
const TRADING: AgentInfo = linuxWorkstation('ws-trading-02', 'bob');
const HOUR = 3_600_000;
/** A resident ID with a valid check character, sent by a broken agent as if it were a sample. */
const RAW_ID = '11010519900307123X';

function contentEvent(agent: AgentInfo, seq: number, agoMs: number, subject: Record<string, unknown>): Record<string, unknown> {
  return {
    id: uuidv7(),
    seq,
    occurredAt: new Date(Date.now() - agoMs).toISOString(),
    type: 'content',
    action: 'would-block',
    severity: 'high',
    user: agent.user,
    host: agent.hostname,
    ruleId: 'content:bulk-pii',
    policySerial: null,
    subject: { kind: 'file', ...subject },
  };
}

let suite: UiSuite;
const agents: SimulatedAgent[] = [];

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-content-ui-', enrollSecret: ENROLL_SECRET, keepTempDir: Boolean(process.env.DLP_UI_SCREENSHOT_DIR) });
  await addOfficer(suite.dlpConsole.url, OFFICER);
  const finance = await SimulatedAgent.connect(suite.dlpConsole.url, await enrollAgent(suite.dlpConsole.url, ENROLL_SECRET, FINANCE), FINANCE, LINUX_CAPABILITIES);
  const trading = await SimulatedAgent.connect(suite.dlpConsole.url, await enrollAgent(suite.dlpConsole.url, ENROLL_SECRET, TRADING), TRADING, LINUX_CAPABILITIES);
  agents.push(finance, trading);
  // Sent unchecked: the raw ID in the first event's samples reaches the console as written.
  await finance.sendEventsUnchecked([
    contentEvent(FINANCE, 1, 2 * HOUR, {
      path: '/media/alice/KINGSTON/客户名单.xlsx',
      sha256: 'c0ffee'.padEnd(64, '7'),
      size: 48_213,
      matches: { 'cn-resident-id': 250, 'cn-mobile': 40, 'bank-card': 12 },
      samples: ['110105********1234', '138****5678', RAW_ID],
      minDistinct: 10,
      confidence: 0.97,
      channel: 'removable-media',
    }),
    contentEvent(FINANCE, 2, 3 * HOUR, { path: '/home/alice/Nutstore/contacts.csv', matches: { email: 30 }, samples: ['z***@example.com'], channel: 'watched-folder' }),
    {
      ...contentEvent(FINANCE, 3, 4 * HOUR, { path: '/tmp/x' }),
      type: 'app',
      action: 'blocked',
      ruleId: 'block-tool',
      subject: { kind: 'process', pid: 4001, exePath: '/usr/bin/wireshark', name: 'wireshark', method: 'proc-scan' },
    },
  ]);
  await trading.sendEventsUnchecked([contentEvent(TRADING, 1, HOUR, { path: '/srv/share/企业名录.csv', matches: { 'cn-uscc': 11 }, samples: ['91350100********43'], channel: 'scan' })]);
});

afterAll(async () => {
  for (const agent of agents) await agent.close().catch(() => undefined);
  await suite?.stop();
});

async function officerPage(hash = ''): Promise<{ page: Page; pageErrors: string[]; close(): Promise<void> }> {
  const opened = await openPage(suite.browser, `${suite.dlpConsole.url}/${hash}`, { width: 1280, height: 1000 });
  await signIn(opened.page, OFFICER.username, OFFICER.password);
  await opened.page.getByRole('button', { name: 'Sign out' }).waitFor();
  return { page: opened.page, pageErrors: opened.pageErrors, close: () => opened.context.close() };
}

test('the console stores a masked form of a sample that is not redacted: the raw ID is in no API answer', async () => {
  const admin = await RestSession.signIn(suite.dlpConsole.url, 'admin', ADMIN_PASSWORD);
  const events = await admin.send('GET', '/events?type=content&host=ws-finance-01');
  expect(events.status).toBe(200);
  const text = JSON.stringify(events.body);
  expect(text).toContain('110105********1234');
  expect(text).toContain('客户名单.xlsx');
  expect(text).not.toContain(RAW_ID);
  expect(text).not.toContain(RAW_ID.slice(0, 14));
});

test('the triage drawer of a content event shows channel, file, threshold, detector bars and redacted samples, in English and Chinese', async () => {
  const { page, pageErrors, close } = await officerPage('#/search?type=content&host=ws-finance-01');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-event-seq]').length === 2);
  await page.getByRole('button', { name: 'Triage event 1 on ws-finance-01' }).click();
  const detail = page.locator('aside.drawer').getByTestId('content-detail');
  await detail.getByRole('heading', { name: 'Customer data in this file' }).waitFor();
  await expect(detail.getByTestId('content-channel').innerText()).resolves.toBe('Copy to removable media');
  await expect(detail.getByTestId('content-size').innerText()).resolves.toBe('48,213 bytes');
  await expect(detail.getByTestId('content-sha256').innerText()).resolves.toBe('c0ffee'.padEnd(64, '7'));
  await expect(detail.getByTestId('content-trigger').innerText()).resolves.toBe('≥ 10 distinct values of one detector · confidence 97%');
  const bars = detail.getByTestId('content-detectors');
  await expect(bars.getAttribute('data-total')).resolves.toBe('302');
  expect(await bars.locator('li').allInnerTexts()).toEqual([
    expect.stringMatching(/^Resident ID number\s*250$/),
    expect.stringMatching(/^Mobile number\s*40$/),
    expect.stringMatching(/^Bank card number\s*12$/),
  ]);
  const samples = await detail.getByTestId('content-samples').locator('li').allInnerTexts();
  expect(samples.slice(0, 2)).toEqual(['110105********1234', '138****5678']);
  expect(samples[2]).toMatch(/^11\*+3X$/);
  expect(await page.content()).not.toContain(RAW_ID);
  await screenshot(page, suite.screenshotDir, 'content-event-drawer-en');

  await page.getByLabel('Language').selectOption('zh-CN');
  await detail.getByRole('heading', { name: '此文件中的客户数据' }).waitFor();
  await expect(detail.getByTestId('content-channel').innerText()).resolves.toBe('复制到移动存储介质');
  await expect(detail.getByTestId('content-trigger').innerText()).resolves.toBe('同一检测器 ≥ 10 个不同的值 · 置信度 97%');
  expect(await bars.locator('li').first().innerText()).toMatch(/^居民身份证号\s*250$/);
  await screenshot(page, suite.screenshotDir, 'content-event-drawer-zh-cn');

  // An event from an agent that sends no size or threshold says so instead of guessing.
  await page.getByRole('dialog').getByRole('button', { name: '关闭' }).click();
  await page.getByLabel('Language').or(page.getByLabel('语言')).selectOption('en');
  await page.getByRole('button', { name: 'Triage event 2 on ws-finance-01' }).click();
  await expect(detail.getByTestId('content-channel').innerText()).resolves.toBe('Watched folder');
  await expect(detail.getByTestId('content-size').innerText()).resolves.toBe('not reported by this agent');
  expect(pageErrors).toEqual([]);
  await close();
});

test('reports rank hosts and users by customer-data events; a row opens exactly its events in the search, in English and Chinese', async () => {
  const { page, pageErrors, close } = await officerPage('#/reports');
  const report = page.getByTestId('content-report');
  await report.getByRole('heading', { name: 'Customer-data events', exact: true }).waitFor();
  const rowsOf = (dimension: 'host' | 'user') =>
    report.getByTestId(`content-top-${dimension}`).locator('tbody tr').evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-key'), Number(row.getAttribute('data-events')), Number(row.getAttribute('data-values'))]));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="content-top-host"] tbody tr').length === 2);
  expect(await rowsOf('host')).toEqual([
    ['ws-finance-01', 2, 332],
    ['ws-trading-02', 1, 11],
  ]);
  expect(await rowsOf('user')).toEqual([
    ['alice', 2, 332],
    ['bob', 1, 11],
  ]);
  await screenshot(page, suite.screenshotDir, 'content-report-en');

  await page.getByLabel('Language').selectOption('zh-CN');
  await report.getByRole('heading', { name: '客户数据事件', exact: true }).waitFor();
  await report.getByRole('columnheader', { name: '检测到的值' }).first().waitFor();
  await screenshot(page, suite.screenshotDir, 'content-report-zh-cn');

  // Drill-down: the search gets type, host and the report's period from the address, and finds the row's events.
  await report.getByRole('link', { name: '在“检索与处置”中打开 ws-finance-01 的 2 个客户数据事件' }).click();
  await page.getByTestId('result-count').filter({ hasText: '2' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-event-seq]').length === 2);
  const address = new URLSearchParams(page.url().split('?')[1] ?? '');
  expect({ type: address.get('type'), host: address.get('host'), hasFrom: address.has('from'), hasTo: address.has('to') }).toEqual({ type: 'content', host: 'ws-finance-01', hasFrom: true, hasTo: true });
  expect(await page.locator('tbody tr[data-event-seq]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event-seq')).sort())).toEqual(['1', '2']);
  expect(pageErrors).toEqual([]);
  await close();
});

test('the policy page explains the content section (detectors, ≥ N distinct values, actions) in English and Chinese', async () => {
  const admin = await RestSession.signIn(suite.dlpConsole.url, 'admin', ADMIN_PASSWORD);
  const list = await admin.send('GET', '/policies');
  expect(list.status).toBe(200);
  const policyId = (list.body as { items: Array<{ id: string }> }).items[0]?.id ?? '';
  expect(policyId).not.toBe('');
  const opened = await openPage(suite.browser, `${suite.dlpConsole.url}/#/policies/${policyId}`, { width: 1280, height: 1000 });
  await signIn(opened.page, 'admin', ADMIN_PASSWORD);
  const help = opened.page.getByTestId('content-rules-help');
  await help.getByText('The content section: customer personal data in files').click();
  await help.getByText(/^minDistinct: how many distinct values of one detector make a file bulk customer data, for example 10 means “≥ 10 distinct IDs”/).waitFor();
  await help.getByText(/^action: report \(an event; the file stays\) or quarantine/).waitFor();
  await screenshot(opened.page, suite.screenshotDir, 'content-policy-help-en');
  await opened.page.getByLabel('Language').selectOption('zh-CN');
  await help.getByText(/^minDistinct：同一检测器发现多少个不同的值即视为批量客户数据/).waitFor();
  await screenshot(opened.page, suite.screenshotDir, 'content-policy-help-zh-cn');
  expect(opened.pageErrors).toEqual([]);
  await opened.context.close();
});
