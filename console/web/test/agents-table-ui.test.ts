/* eslint-disable no-restricted-imports -- Node-side browser test: it reads the CSV file Chromium downloaded. */
import { readFileSync } from 'node:fs';
import { savedAgentFilterList, type AgentInfo, type CapabilityReport } from '@dlp/shared';
import type { Page } from 'playwright-core';
import { SimulatedAgent, enrollAgent } from './simulated-agent';
import { ADMIN_PASSWORD, RestSession, linuxWorkstation, openPage, screenshot, signIn, startUiSuite, type UiSuite } from './ui-harness';

/**
 * The windowed agent table (issue 17 items 1 and 9) in Chromium against the built console with a
 * few thousand agents enrolled over the real protocol: only the rows in view are in the DOM, the
 * whole list scrolls (to its last row) and arrow keys move focus to rows not yet rendered; sort
 * and filters live in the address (reload and Back keep them); saved filters are saved, applied
 * and deleted per person; the CSV download carries the current filters, in the reader's language;
 * red marks only hosts with a problem; every navigation entry is fully visible on one line at 1280
 * and 1440 px in English and Chinese. Screenshots go to $DLP_UI_SCREENSHOT_DIR.
 */

const ENROLL_SECRET = 'e2e-agents-table-secret-0123456789ab';
/** Enrolled over the protocol, never connected (offline, policy never answered). */
const ENROLLED = 2400;
/** Connected as well: these apply the policy, the last REFUSING refuse it. */
const CONNECTED = 5;
const REFUSING = 2;
const FLEET = ENROLLED + CONNECTED;
/** Every tenth host runs Windows. */
const WINDOWS = Math.floor(FLEET / 10);
/** More rows than this in the DOM means the table is not windowed (a 650 px box holds ~18). */
const MAX_DOM_ROWS = 60;
jest.setTimeout(300_000);

const HEALTHY: CapabilityReport = {
  apps: { method: 'fanotify', preExec: true, failMode: 'closed', helper: { running: true, restarts: 0, timeouts: 0, cacheHitRate: 0.93 } },
  usb: { method: 'sysfs-authorized', mountGuard: true },
  screen: { captureToolBlocking: true, windowCaptureExclusion: false },
  notes: [],
};

let suite: UiSuite;
let admin: RestSession;
const connected: SimulatedAgent[] = [];

function hostName(index: number): string {
  return `ws-${String(index).padStart(5, '0')}`;
}

function infoOf(index: number): AgentInfo {
  const info = linuxWorkstation(hostName(index), `user-${index}`);
  return index % 10 === 9 ? { ...info, os: 'windows', osVersion: '10.0.19045' } : info;
}

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-agents-table-', enrollSecret: ENROLL_SECRET });
  admin = await RestSession.signIn(suite.dlpConsole.url, 'admin', ADMIN_PASSWORD);
  const created = await admin.send('POST', '/enroll-secrets', { label: 'fleet', ratePerMinute: 100_000 });
  expect(created.status).toBe(201);
  const secret = (created.body as { secret: string }).secret;
  // Twenty at a time: quick, and gentle on a busy 2-core box.
  for (let start = 0; start < ENROLLED; start += 20) {
    await Promise.all(Array.from({ length: Math.min(20, ENROLLED - start) }, (_, i) => enrollAgent(suite.dlpConsole.url, secret, infoOf(start + i))));
  }
  for (let index = ENROLLED; index < FLEET; index++) {
    const info = infoOf(index);
    const agent = await SimulatedAgent.connect(suite.dlpConsole.url, await enrollAgent(suite.dlpConsole.url, secret, info), info, HEALTHY);
    connected.push(agent);
    if (index >= FLEET - REFUSING) await agent.rejectPushedPolicy('signature does not verify against the pinned console key');
    else await agent.applyPushedPolicy();
  }
}, 280_000);

afterAll(async () => {
  await Promise.all(connected.map((agent) => agent.close().catch(() => undefined)));
  await suite?.stop();
});

/** Waits until the table answers the filters in the address (`query`: the answered filter set as JSON) and returns its total. */
async function answered(page: Page, query?: object): Promise<number> {
  const selector = query === undefined ? '.agent-count[data-total]' : `.agent-count[data-total][data-query='${JSON.stringify(query)}']`;
  const status = page.locator(selector);
  await status.waitFor();
  return Number(await status.getAttribute('data-total'));
}

/** Row elements of agents (or rows on their way) in the DOM. */
function domRows(page: Page): Promise<number> {
  return page.locator('.agents-scroll tbody tr[data-row-index]').count();
}

/** Scrolls the table box to `top` px and waits until row `index` is rendered with its agent. */
async function scrollToRow(page: Page, top: number | 'bottom', index: number): Promise<string> {
  await page.locator('.agents-scroll').evaluate((box, to) => {
    box.scrollTop = to === 'bottom' ? box.scrollHeight : to;
  }, top);
  const row = page.locator(`tr[data-row-index="${index}"][data-agent-id]`);
  await row.waitFor();
  return row.locator('th[scope="row"]').innerText();
}

/** The host name of the focused element's row. */
function focusedHost(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.closest('tr')?.querySelector('th[scope="row"]')?.textContent ?? null);
}

describe('windowed agent table', () => {
  it('keeps only the rows in view in the DOM, scrolls to the last of thousands, and moves keyboard focus to rows not yet rendered', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents`, { width: 1280, height: 800 });
    await signIn(page, 'admin', ADMIN_PASSWORD);
    expect(await answered(page, { sort: 'host', order: 'asc' })).toBe(FLEET);
    await page.locator('tr[data-row-index="0"][data-agent-id]').waitFor();
    await expect(page.locator('table.agents-table').getAttribute('aria-rowcount')).resolves.toBe(String(FLEET + 1));
    expect(await domRows(page)).toBeLessThanOrEqual(MAX_DOM_ROWS);
    // Rows of one fixed height, whatever they hold.
    const heights = await page.locator('.agents-scroll tbody tr[data-agent-id]').evaluateAll((rows) => rows.map((row) => Math.round(row.getBoundingClientRect().height)));
    expect(new Set(heights)).toEqual(new Set([36]));
    await screenshot(page, suite.screenshotDir, 'agents-table-top-en-1280');

    expect(await scrollToRow(page, 1234 * 36, 1234)).toBe(hostName(1234));
    expect(await domRows(page)).toBeLessThanOrEqual(MAX_DOM_ROWS);
    expect(await scrollToRow(page, 'bottom', FLEET - 1)).toBe(hostName(FLEET - 1));
    expect(await domRows(page)).toBeLessThanOrEqual(MAX_DOM_ROWS);
    await expect(page.locator(`tr[data-row-index="${FLEET - 1}"]`).getAttribute('aria-rowindex')).resolves.toBe(String(FLEET + 1));
    // Red only where this host has a problem: the two that refused their policy.
    const red = await page.locator('.agents-scroll tr[data-agent-id]:has(.badge-red) th[scope="row"]').allInnerTexts();
    expect(red).toEqual([hostName(FLEET - 2), hostName(FLEET - 1)]);
    await screenshot(page, suite.screenshotDir, 'agents-table-bottom-en-1280');

    // Keyboard: from a row in the middle, arrows and End/Home reach rows that were not rendered.
    await scrollToRow(page, 1234 * 36, 1234);
    await page.locator('tr[data-row-index="1234"] th a').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    expect(await focusedHost(page)).toBe(hostName(1237));
    await page.keyboard.press('ArrowUp');
    expect(await focusedHost(page)).toBe(hostName(1236));
    await page.keyboard.press('End');
    await page.waitForFunction((host) => document.activeElement?.closest('tr')?.querySelector('th[scope="row"]')?.textContent === host, hostName(FLEET - 1));
    await page.keyboard.press('Home');
    await page.waitForFunction((host) => document.activeElement?.closest('tr')?.querySelector('th[scope="row"]')?.textContent === host, hostName(0));
    await page.keyboard.press('PageDown');
    await page.waitForFunction(() => Number(document.activeElement?.closest('tr')?.getAttribute('data-row-index') ?? '0') > 5);
    expect(await domRows(page)).toBeLessThanOrEqual(MAX_DOM_ROWS);
    // The focused row's details open below it and push the rest down; the window follows.
    await page.keyboard.press('Home');
    await page.waitForFunction((host) => document.activeElement?.closest('tr')?.querySelector('th[scope="row"]')?.textContent === host, hostName(0));
    await page.getByRole('button', { name: `Details of ${hostName(0)}` }).click();
    await page.locator(`tr.agent-details-row[data-details-of]`).waitFor();
    expect(await scrollToRow(page, 'bottom', FLEET - 1)).toBe(hostName(FLEET - 1));
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('keeps sort and filters in the address: a reload and Back restore them', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents`);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await answered(page, { sort: 'host', order: 'asc' });
    await page.locator('th button.sort-button', { hasText: 'Host' }).click();
    expect(await answered(page, { sort: 'host', order: 'desc' })).toBe(FLEET);
    expect(new URL(page.url()).hash).toBe('#/agents?order=desc');
    await expect(page.locator('tr[data-row-index="0"] th[scope="row"]').innerText()).resolves.toBe(hostName(FLEET - 1));

    await page.getByLabel('OS', { exact: true }).selectOption('windows');
    expect(await answered(page, { sort: 'host', order: 'desc', os: 'windows' })).toBe(WINDOWS);
    await page.getByLabel('Search host or user', { exact: true }).fill('ws-000');
    expect(await answered(page, { sort: 'host', order: 'desc', search: 'ws-000', os: 'windows' })).toBe(10);
    expect(new URL(page.url()).hash).toBe('#/agents?q=ws-000&os=windows&order=desc');

    await page.reload();
    expect(await answered(page, { sort: 'host', order: 'desc', search: 'ws-000', os: 'windows' })).toBe(10);
    await expect(page.getByLabel('OS', { exact: true }).inputValue()).resolves.toBe('windows');
    await expect(page.getByLabel('Search host or user', { exact: true }).inputValue()).resolves.toBe('ws-000');
    await expect(page.locator('tr[data-agent-id] th[scope="row"]').allInnerTexts()).resolves.toEqual(Array.from({ length: 10 }, (_, i) => hostName(99 - i * 10)));

    // Back: the list before the OS was chosen (typing replaced that entry, it did not add one).
    await page.goBack();
    expect(await answered(page, { sort: 'host', order: 'desc' })).toBe(FLEET);
    await expect(page.getByLabel('OS', { exact: true }).inputValue()).resolves.toBe('');
    await expect(page.getByLabel('Search host or user', { exact: true }).inputValue()).resolves.toBe('');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('saves, applies and deletes a saved filter, kept by the console for this person', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents?os=windows&condition=policy-pending&sort=lastSeen&order=desc`);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    const windowsPending = { sort: 'lastSeen', order: 'desc', condition: 'policy-pending', os: 'windows' };
    expect(await answered(page, windowsPending)).toBe(WINDOWS);
    const saved = page.getByRole('group', { name: 'Saved filters' });
    await saved.getByRole('button', { name: 'Save filters…' }).click();
    await saved.getByLabel('Name of the saved filter').fill('  Windows, waiting ');
    await saved.getByRole('button', { name: 'Save', exact: true }).click();
    await saved.getByRole('status').filter({ hasText: 'Saved “Windows, waiting”' }).waitFor();
    const stored = savedAgentFilterList.parse((await admin.send('GET', '/agents/saved-filters')).body).items;
    expect(stored.map((filter) => [filter.name, filter.filters])).toEqual([['Windows, waiting', { sort: 'lastSeen', order: 'desc', condition: 'policy-pending', os: 'windows' }]]);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    expect(await answered(page, { sort: 'lastSeen', order: 'desc' })).toBe(FLEET);
    await saved.getByLabel('Saved filters').selectOption({ label: 'Windows, waiting' });
    expect(await answered(page, windowsPending)).toBe(WINDOWS);
    expect(new URL(page.url()).hash).toBe('#/agents?condition=policy-pending&os=windows&sort=lastSeen&order=desc');
    await screenshot(page, suite.screenshotDir, 'agents-saved-filter-en-1280');

    // Chinese, after a reload: the saved set is the console's, and it shows as chosen.
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.reload();
    expect(await answered(page, windowsPending)).toBe(WINDOWS);
    const savedZh = page.getByRole('group', { name: '已保存的筛选' });
    await expect(savedZh.getByLabel('已保存的筛选').locator('option:checked').innerText()).resolves.toBe('Windows, waiting');
    await screenshot(page, suite.screenshotDir, 'agents-saved-filter-zh-1280');
    await savedZh.getByRole('button', { name: '删除“Windows, waiting”' }).click();
    await savedZh.getByRole('status').filter({ hasText: '已删除“Windows, waiting”' }).waitFor();
    await expect(savedZh.getByLabel('已保存的筛选').locator('option').allInnerTexts()).resolves.toEqual(['尚未保存']);
    expect(savedAgentFilterList.parse((await admin.send('GET', '/agents/saved-filters')).body).items).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('downloads the CSV of the list as filtered and sorted, in English and Chinese', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents?os=windows&order=desc`);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    expect(await answered(page, { sort: 'host', order: 'desc', os: 'windows' })).toBe(WINDOWS);
    const download = async (label: string): Promise<string[][]> => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: label }).click()]);
      expect(file.suggestedFilename()).toMatch(/^agents-\d{4}-\d{2}-\d{2}\.csv$/);
      const bytes = readFileSync(await file.path());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      return bytes
        .toString('utf8')
        .slice(1)
        .split('\r\n')
        .filter((line) => line !== '')
        .map((line) => line.split(','));
    };
    const english = await download('Export CSV');
    expect(english[0]?.slice(0, 7)).toEqual(['Host', 'User', 'OS', 'OS version', 'Agent version', 'Group', 'Status']);
    const windowsHosts = Array.from({ length: FLEET }, (_, i) => i)
      .filter((i) => i % 10 === 9)
      .map(hostName)
      .reverse();
    expect(english.slice(1).map((row) => row[0])).toEqual(windowsHosts);
    expect(english.slice(1).every((row) => row[2] === 'windows')).toBe(true);

    await page.getByLabel('Language').selectOption('zh-CN');
    const chinese = await download('导出 CSV');
    expect(chinese[0]?.slice(0, 7)).toEqual(['主机', '用户', '操作系统', '系统版本', '代理版本', '分组', '状态']);
    expect(chinese.slice(1).map((row) => row[0])).toEqual(windowsHosts);
    expect(new Set(chinese.slice(1).map((row) => row[6]))).toEqual(new Set(['离线']));
    await screenshot(page, suite.screenshotDir, 'agents-table-zh-1280');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows every navigation entry whole and on one line at 1280 and 1440 px, in English and Chinese', async () => {
    for (const language of ['en', 'zh-CN'] as const) {
      for (const width of [1280, 1440]) {
        const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents`, { width, height: 900 });
        await signIn(page, 'admin', ADMIN_PASSWORD);
        await answered(page);
        if (language === 'zh-CN') await page.getByLabel('Language').selectOption('zh-CN');
        const nav = page.getByRole('navigation', { name: language === 'zh-CN' ? '主导航' : 'Main navigation' });
        await nav.getByRole('link', { name: language === 'zh-CN' ? '终端' : 'Agents' }).waitFor();
        const entries = await nav.locator('a').evaluateAll((links) =>
          links.map((link) => {
            const box = link.getBoundingClientRect();
            const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            const text = document.createRange();
            text.selectNodeContents(link);
            // One line: every box of the label's text sits on the same line.
            const lines = new Set(Array.from(text.getClientRects()).map((rect) => Math.round(rect.top)));
            return {
              label: link.textContent ?? '',
              top: Math.round(box.top),
              inside: box.left >= 0 && box.right <= window.innerWidth && box.top >= 0 && box.bottom <= window.innerHeight,
              onTop: hit !== null && link.contains(hit),
              whole: link.scrollWidth <= link.clientWidth,
              lines: lines.size,
            };
          }),
        );
        expect(entries).toHaveLength(11);
        for (const { label, inside, onTop, whole, lines } of entries) {
          expect({ language, width, label, inside, onTop, whole, lines }).toEqual({ language, width, label, inside: true, onTop: true, whole: true, lines: 1 });
        }
        // All entries on one row of the navigation.
        expect({ language, width, rows: new Set(entries.map((entry) => entry.top)).size }).toEqual({ language, width, rows: 1 });
        const signOut = await page.getByRole('button', { name: language === 'zh-CN' ? '退出登录' : 'Sign out' }).boundingBox();
        expect(signOut !== null && signOut.x >= 0 && signOut.x + signOut.width <= width).toBe(true);
        await screenshot(page, suite.screenshotDir, `agents-nav-${language}-${width}`);
        expect(pageErrors).toEqual([]);
        await context.close();
      }
    }
  });
});
