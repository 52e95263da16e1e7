import { policySaved, sampleEvent, triageCount, triageDetail, triagedEventPage, type AgentEvent } from '@dlp/shared';
import type { Page } from 'playwright-core';
import { SimulatedAgent, enrollAgent } from './simulated-agent';
import { ADMIN_PASSWORD, LINUX_CAPABILITIES, RestSession, addOfficer, linuxWorkstation, openPage, screenshot, signIn, startUiSuite, type UiSuite } from './ui-harness';

/**
 * Search & triage at fleet scale (issue 17 item 3), in Chromium at 1280 px against the built
 * console, as an officer, in English and Chinese: the why columns (rule, action, severity, policy
 * version, group) in the table and the drawer, time presets in the address, the result count, bulk
 * triage of a shift-clicked range and of a whole page (checked through the API), triage of row 600
 * keeping the loaded list and the scroll position, and the keys j/k/Enter/Esc with focus moving into
 * the drawer and back to the row. Screenshots go to $DLP_UI_SCREENSHOT_DIR.
 */

const ENROLL_SECRET = 'e2e-search-triage-secret-0123456789abcdef';
const OFFICER = { username: 'olivia', password: 'Officer-Quiet-Harbour-8842' };
const GROUP = '交易部 Trading desk';
const HOST = 'ws-trade-01';
/** Events in the last hour, 12 h and 7 days (3, 5 and 7), then 1 older and 650 from weeks back. */
const OLD_EVENTS = 650;
const TOTAL = 8 + OLD_EVENTS;
jest.setTimeout(300_000);

let suite: UiSuite;
let admin: RestSession;
let agent: SimulatedAgent;
let agentId = '';
let serial = 0;
/** When each seeded event happened, by seq (the presets' expected rows are computed from it). */
const occurredAt = new Map<number, number>();

function event(seq: number, agoMs: number, overrides: Partial<AgentEvent> = {}): AgentEvent {
  const at = Date.now() - agoMs;
  occurredAt.set(seq, at);
  return sampleEvent({
    seq,
    occurredAt: new Date(at).toISOString(),
    host: HOST,
    user: 'zhang.wei',
    ruleId: 'block-xclip',
    severity: 'high',
    policySerial: serial,
    subject: { kind: 'process', pid: 4000 + seq, ppid: 1, uid: 1000, exePath: `/usr/bin/xclip-${seq}`, name: 'xclip', sha256: 'c'.repeat(64), method: 'fanotify' },
    ...overrides,
  });
}

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-search-triage-', enrollSecret: ENROLL_SECRET });
  admin = await RestSession.signIn(suite.dlpConsole.url, 'admin', ADMIN_PASSWORD);
  await addOfficer(suite.dlpConsole.url, OFFICER);
  const created = await admin.send('POST', '/policies', { document: { schema: 'dlp.policy/v1', name: 'Trading floor', mode: 'enforce' } });
  expect(created.status).toBe(201);
  const policy = policySaved.parse(created.body).policy;
  serial = policy.serial;
  const group = (await admin.send('POST', '/groups', { name: GROUP, policyId: policy.id })).body as { group: { id: string } };
  const secret = (await admin.send('POST', '/enroll-secrets', { label: 'trading', groupId: group.group.id })).body as { secret: string };
  const info = linuxWorkstation(HOST, 'zhang.wei');
  const credentials = await enrollAgent(suite.dlpConsole.url, secret.secret, info);
  agentId = credentials.agentId;
  agent = await SimulatedAgent.connect(suite.dlpConsole.url, credentials, info, LINUX_CAPABILITIES);
  await agent.applyPushedPolicy();
  const minute = 60_000;
  const hour = 60 * minute;
  await agent.sendEvents([
    event(1, 20 * minute),
    event(2, 21 * minute, { type: 'usb', ruleId: 'usb-deny', severity: 'critical', subject: { kind: 'device', vendorId: '0781', productId: '5567', serial: 'SN-1', interfaces: [] } }),
    event(3, 22 * minute, { action: 'would-block', severity: 'medium' }),
    event(4, 5 * hour),
    event(5, 5 * hour + minute),
    event(6, 72 * hour),
    event(7, 72 * hour + minute),
    event(8, 240 * hour),
  ]);
  const old = Array.from({ length: OLD_EVENTS }, (_, i) => event(9 + i, 480 * hour + i * minute));
  await agent.sendEvents(old.slice(0, 500));
  await agent.sendEvents(old.slice(500));
}, 120_000);

afterAll(async () => {
  await agent?.close().catch(() => undefined);
  await suite?.stop();
});

const rows = (page: Page) => page.locator('tr[data-event-seq]');

/** Waits until the table shows exactly `count` rows. */
async function rowCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('tr[data-event-seq]').length === n, count);
}

/** The `data-event-seq` of the focused row (or of the row holding focus), '' when focus is elsewhere. */
function focusedRowSeq(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-event-seq') ?? '');
}

/** Elements reaching past the window's right edge (empty: no horizontal scrolling). */
async function widerThanWindow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll('main *')]
      .filter((element) => element.getBoundingClientRect().right > width + 0.5)
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}: ${Math.round(element.getBoundingClientRect().right)} px`);
  });
}

/** The table scrolls sideways inside its frame when its columns do not fit: that should not happen at 1280 px. */
function tableOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const wrap = document.querySelector('.table-wrap');
    return wrap ? wrap.scrollWidth - wrap.clientWidth : -1;
  });
}

/** What the reader sees at 1280 × 900 (the full-page shots hold every row), for people to look at. */
async function viewShot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${suite.screenshotDir}/${name}.png` });
}

/** The states the console holds for these events (through the API, not the page). */
async function apiStates(seqs: readonly number[]): Promise<string[]> {
  return Promise.all(
    seqs.map(async (seq) => {
      const detail = triageDetail.parse((await admin.send('GET', `/triage/events/${agentId}/${seq}`)).body);
      return `${seq}:${detail.effective.state}`;
    }),
  );
}

async function signedInSearch(language: 'en' | 'zh-CN', path = '#/search'): Promise<Awaited<ReturnType<typeof openPage>>> {
  const opened = await openPage(suite.browser, `${suite.dlpConsole.url}/${path}`, { width: 1280, height: 900 });
  await signIn(opened.page, OFFICER.username, OFFICER.password);
  if (language === 'zh-CN') await opened.page.getByLabel('Language').selectOption('zh-CN');
  await rowCount(opened.page, 100);
  return opened;
}

describe('Search & triage in English', () => {
  it('shows why each event happened, counts the results and narrows them with presets in the address', async () => {
    const { context, page, pageErrors } = await signedInSearch('en');
    const headers = await page.locator('table.search-table thead th').allInnerTexts();
    expect(headers.map((text) => text.trim().toLowerCase())).toEqual(['', 'time', 'host', 'user', 'type', 'action', 'severity', 'rule', 'policy', 'group', 'subject', 'triage']);
    const usbRow = page.locator('tr[data-event-seq="2"]');
    await expect(usbRow.locator('td').allInnerTexts()).resolves.toEqual([
      '',
      expect.any(String),
      HOST,
      'zhang.wei',
      'USB device',
      'Blocked',
      'Critical',
      'usb-deny',
      'Trading floor v1',
      GROUP,
      expect.stringContaining('USB 0781:5567'),
      'New',
    ]);
    await expect(page.getByTestId('result-count').innerText()).resolves.toBe(`${TOTAL} events`);
    // The one time rule: the reader's zone on the page, in full and in UTC on hover.
    await expect(usbRow.locator('td.cell-time').getAttribute('title')).resolves.toMatch(/^\S+ \d{2}:\d{2}:\d{2} \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\)$/);
    await screenshot(page, suite.screenshotDir, 'search-triage-en-1280');
    await viewShot(page, 'search-triage-en-1280-view');
    expect(await widerThanWindow(page)).toEqual([]);
    expect(await tableOverflow(page)).toBeLessThanOrEqual(0);

    const presets: Array<[string, string, number]> = [
      ['Last hour', '1h', 3],
      ['Last 12 h', '12h', 5],
      ['Last 7 days', '7d', 7],
    ];
    for (const [label, range, expected] of presets) {
      await page.getByRole('button', { name: label, exact: true }).click();
      await rowCount(page, expected);
      expect(new URL(page.url()).hash).toBe(`#/search?range=${range}`);
      await expect(page.getByTestId('result-count').innerText()).resolves.toBe(`${expected} events`);
      await expect(page.getByRole('button', { name: label, exact: true }).getAttribute('aria-pressed')).resolves.toBe('true');
    }
    const midnight = await page.evaluate(() => new Date(new Date().setHours(0, 0, 0, 0)).getTime());
    const today = [...occurredAt.values()].filter((at) => at >= midnight).length;
    await page.getByRole('button', { name: 'Today', exact: true }).click();
    await rowCount(page, today);
    expect(new URL(page.url()).hash).toBe('#/search?range=today');

    // A preset stays through a reload, and combines with the other filters.
    await page.getByRole('button', { name: 'Last 12 h', exact: true }).click();
    await rowCount(page, 5);
    await page.getByLabel('Type', { exact: true }).selectOption('usb');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await rowCount(page, 1);
    expect(new URL(page.url()).hash).toBe('#/search?type=usb&range=12h');
    await page.reload();
    await rowCount(page, 1);
    await expect(page.getByRole('button', { name: 'Last 12 h', exact: true }).getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(page.getByTestId('result-count').innerText()).resolves.toBe('1 events');

    // The group picker, for officers too: every event here was recorded in GROUP, none in the default group.
    await page.getByLabel('Type', { exact: true }).selectOption('');
    const groupPicker = page.getByLabel('Group', { exact: true });
    await expect(groupPicker.locator('option').allInnerTexts()).resolves.toEqual(expect.arrayContaining(['All', GROUP]));
    await groupPicker.selectOption({ label: GROUP });
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await rowCount(page, 5);
    expect(new URL(page.url()).hash).toMatch(/^#\/search\?group=[^&]+&range=12h$/);
    await groupPicker.selectOption({ index: 1 }); // the built-in default group, listed first
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await rowCount(page, 0);
    // The count is its own request: wait for it rather than read "Counting…".
    await page.waitForFunction(() => document.querySelector('[data-testid="result-count"]')?.textContent === '0 events');
    await groupPicker.selectOption('');

    // Exact times still apply; typing one drops the preset.
    const sixHoursAgo = await page.evaluate(() => {
      const d = new Date(Date.now() - 6 * 3_600_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    });
    await page.getByLabel('Type', { exact: true }).selectOption('');
    await page.getByLabel('From', { exact: true }).fill(sixHoursAgo);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await rowCount(page, 5);
    expect(new URL(page.url()).hash).toMatch(/^#\/search\?from=[^&]+$/);
    await expect(page.locator('.range-preset[aria-pressed="true"]').count()).resolves.toBe(0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('moves with j and k, opens with Enter into the drawer, and gives focus back to the row on Esc', async () => {
    const { context, page, pageErrors } = await signedInSearch('en');
    await page.keyboard.press('j');
    expect(await focusedRowSeq(page)).toBe('1');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await focusedRowSeq(page)).toBe('2');
    await page.keyboard.press('Enter');
    const drawer = page.getByRole('dialog', { name: 'Triage' });
    await drawer.waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('dialog');
    expect(new URL(page.url()).hash).toBe(`#/search?event=${encodeURIComponent(`${agentId}:2`)}`);
    const why = drawer.getByTestId('drawer-why');
    await expect(why.innerText()).resolves.toMatch(new RegExp(`Rule\\s+usb-deny\\s+Action\\s+Blocked\\s+Severity\\s+Critical\\s+Policy\\s+Trading floor v1 · serial ${serial}\\s+Group\\s+${GROUP}`));
    await screenshot(page, suite.screenshotDir, 'search-triage-drawer-en-1280');
    await viewShot(page, 'search-triage-drawer-en-1280-view');

    // With the drawer open, j moves to the next event and the drawer follows it.
    await page.keyboard.press('j');
    await page.waitForFunction((key) => document.querySelector('.drawer')?.getAttribute('data-event-key') === key, `${agentId}/3`);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('drawer'))).toBe(true);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    expect(await focusedRowSeq(page)).toBe('3');
    expect(new URL(page.url()).hash).toBe('#/search');
    // Keys typed into a field are text, not commands.
    await page.getByLabel('Host', { exact: true }).fill('jjk');
    expect(await focusedRowSeq(page)).toBe('');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('triages a shift-clicked range of rows in one go', async () => {
    const { context, page, pageErrors } = await signedInSearch('en');
    const seqs = [4, 5, 6, 7, 8];
    await page.getByLabel('Select event 4 on ws-trade-01').check();
    await page.getByLabel('Select event 8 on ws-trade-01').click({ modifiers: ['Shift'] });
    await expect(page.getByTestId('bulk-selected').innerText()).resolves.toBe('5 selected');
    const bar = page.getByRole('form', { name: 'Triage the selected events' });
    await bar.getByLabel('Set state').selectOption('escalated');
    await bar.getByLabel('Note on each').fill('same xclip run, reported to CISO');
    await screenshot(page, suite.screenshotDir, 'search-triage-bulk-en-1280');
    await viewShot(page, 'search-triage-bulk-en-1280-view');
    await bar.getByRole('button', { name: 'Apply to 5' }).click();
    await page.getByText('5 events updated.').waitFor();
    for (const seq of seqs) await page.locator(`tr[data-event-seq="${seq}"] .chip-button`, { hasText: 'Escalated' }).waitFor();
    await expect(page.locator('tr[data-event-seq="3"] .chip-button').innerText()).resolves.toBe('New');
    expect(await apiStates([3, ...seqs, 9])).toEqual(['3:new', ...seqs.map((seq) => `${seq}:escalated`), '9:new']);
    const escalated = triagedEventPage.parse((await admin.send('GET', `/triage/events?agentId=${agentId}&triageState=escalated`)).body);
    expect(escalated.items.map((item) => item.event.seq)).toEqual(seqs);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('keeps the loaded list and the scroll position when row 600 is triaged', async () => {
    const { context, page, pageErrors } = await signedInSearch('en');
    const older = page.getByRole('button', { name: 'Load older events' });
    for (let loaded = 100; loaded < TOTAL; loaded = Math.min(TOTAL, loaded + 100)) {
      await older.click();
      await rowCount(page, Math.min(TOTAL, loaded + 100));
    }
    const row = rows(page).nth(599);
    const seq = Number(await row.getAttribute('data-event-seq'));
    await row.scrollIntoViewIfNeeded();
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(10_000);
    const rowTop = () => row.evaluate((element) => Math.round(element.getBoundingClientRect().top));
    const top = await rowTop();
    await row.locator('.chip-button').click();
    const drawer = page.getByRole('dialog', { name: 'Triage' });
    await drawer.getByText('Acknowledged', { exact: true }).click();
    await drawer.getByRole('button', { name: 'Save' }).click();
    await row.locator('.chip-button', { hasText: 'Acknowledged' }).waitFor();
    await rowCount(page, TOTAL);
    // Neither the page nor the row moved: the list was patched in place, its columns kept their widths.
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    expect(await rowTop()).toBe(top);
    expect(await apiStates([seq])).toEqual([`${seq}:acknowledged`]);
    await viewShot(page, 'search-triage-row-600-en-1280-view');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    expect(await focusedRowSeq(page)).toBe(String(seq));
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

describe('Search & triage in Chinese', () => {
  it('shows the same columns, count, presets, drawer and bulk triage of a whole page in Chinese', async () => {
    const { context, page, pageErrors } = await signedInSearch('zh-CN');
    await page.getByRole('heading', { name: '事件检索与处置' }).waitFor();
    const headers = await page.locator('table.search-table thead th').allInnerTexts();
    expect(headers.map((text) => text.trim())).toEqual(expect.arrayContaining(['规则', '策略', '分组', '动作', '严重性']));
    await expect(page.locator('tr[data-event-seq="2"] td.cell-why').allInnerTexts()).resolves.toEqual(['Trading floor 第 1 版', GROUP]);
    await expect(page.getByTestId('result-count').innerText()).resolves.toBe(`共 ${TOTAL} 个事件`);
    await screenshot(page, suite.screenshotDir, 'search-triage-zh-1280');
    await viewShot(page, 'search-triage-zh-1280-view');
    expect(await widerThanWindow(page)).toEqual([]);
    expect(await tableOverflow(page)).toBeLessThanOrEqual(0);

    await page.getByRole('button', { name: '最近 1 小时', exact: true }).click();
    await rowCount(page, 3);
    expect(new URL(page.url()).hash).toBe('#/search?range=1h');
    await expect(page.getByTestId('result-count').innerText()).resolves.toBe('共 3 个事件');
    await page.locator('tr[data-event-seq="2"] .chip-button').click();
    const drawer = page.getByRole('dialog', { name: '处置' });
    await expect(drawer.getByTestId('drawer-why').innerText()).resolves.toMatch(new RegExp(`规则\\s+usb-deny[\\s\\S]*策略\\s+Trading floor 第 1 版 · 序号 ${serial}\\s+分组\\s+${GROUP}`));
    await screenshot(page, suite.screenshotDir, 'search-triage-drawer-zh-1280');
    await viewShot(page, 'search-triage-drawer-zh-1280-view');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });

    // The whole first page (100 rows) ticked with the header box, marked false positive at once.
    await page.goto(`${suite.dlpConsole.url}/#/search`);
    await rowCount(page, 100);
    await page.getByLabel('选择所有已显示的事件').check();
    await expect(page.getByTestId('bulk-selected').innerText()).resolves.toBe('已选 100 个');
    const bar = page.getByRole('form', { name: '批量处置所选事件' });
    await bar.getByLabel('设置状态').selectOption('false-positive');
    await screenshot(page, suite.screenshotDir, 'search-triage-bulk-zh-1280');
    await viewShot(page, 'search-triage-bulk-zh-1280-view');
    await bar.getByRole('button', { name: '应用到 100 个' }).click();
    await page.getByText('已更新 100 个事件。').waitFor();
    await expect(page.locator('tr[data-event-seq] .chip-button', { hasText: '误报' }).count()).resolves.toBe(100);
    const counted = triageCount.parse((await admin.send('GET', `/triage/events/count?agentId=${agentId}&triageState=false-positive`)).body);
    expect(counted).toEqual({ count: 100, exact: true });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
