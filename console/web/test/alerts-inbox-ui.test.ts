/* eslint-disable no-restricted-imports -- Node-side end-to-end test: it seeds the console's database, then drives a real browser against the built console. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { seedAlerts, OFFLINE_BURST, SINGLE_ALERTS } from '../../server/src/alerts/alert-inbox-routes-test-helpers';
import { openSqliteStore } from '../../server/src/store/sqlite/sqlite-store';
import { launchChromium } from './chromium';
import { startConsole, type RunningConsole } from './console-process';
import { addOfficer, ADMIN_PASSWORD, openPage, REPO_ROOT, screenshot, signIn } from './ui-harness';

/**
 * The alerts inbox (issue 17, item 6) in Chromium against the built console, whose database holds
 * 133 single alerts and one burst of 50 agent-offline alerts: every alert is reachable page by page,
 * the burst is one row that expands to its agents, an acknowledgement with a note shows and survives
 * a reload, the state filter lives in the address, and an alert's link opens its events' search.
 */

const OFFICER = { username: 'oscar', password: 'Officer-Signal-Copper-8842' };
const SHOTS = process.env.DLP_UI_SCREENSHOT_DIR ?? '/tmp/shots-alerts';
jest.setTimeout(180_000);

let tempDir = '';
let dlpConsole: RunningConsole;
let browser: Browser;

beforeAll(async () => {
  tempDir = mkdtempSync(path.join(os.tmpdir(), 'dlp-alerts-inbox-ui-'));
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = path.join(tempDir, 'console');
  mkdirSync(dataDir, { recursive: true });
  // Seeded before the console opens the database: the test and the console never share it.
  const store = await openSqliteStore({ path: path.join(dataDir, 'console.sqlite') });
  await seedAlerts(store);
  await store.close();
  dlpConsole = await startConsole({ repoRoot: REPO_ROOT, dataDir, adminPassword: ADMIN_PASSWORD, localEnrollSecret: 'e2e-enroll-secret-alerts-inbox-0123' });
  browser = await launchChromium();
  await addOfficer(dlpConsole.url, OFFICER);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dlpConsole?.stop();
  if (tempDir !== '') rmSync(tempDir, { recursive: true, force: true });
});

async function loadEverything(page: Page, loadMore: string): Promise<void> {
  const button = page.getByRole('button', { name: loadMore });
  while ((await button.count()) > 0) {
    const before = await page.getByTestId('fired-alerts').locator('tbody > tr').count();
    await button.click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="fired-alerts"] tbody > tr').length > n, before);
  }
}

describe('alerts inbox UI', () => {
  it('reaches every alert, groups the offline burst, acknowledges with a note that persists, filters by state in the address, and links to the events (en)', async () => {
    const { context, page, pageErrors } = await openPage(browser, dlpConsole.url);
    await signIn(page, OFFICER.username, OFFICER.password);
    await page.goto(`${dlpConsole.url}/#/alerts`);
    const total = page.getByTestId('alerts-total');
    await total.waitFor();
    expect(await total.innerText()).toContain(`Alerts: ${SINGLE_ALERTS + OFFLINE_BURST} · rows: ${SINGLE_ALERTS + 1}`);

    // More than 100 alerts: page through them all; the oldest one is reachable.
    await loadEverything(page, 'Load more');
    const table = page.getByTestId('fired-alerts');
    expect(await table.getByTestId('alert-row').count()).toBe(SINGLE_ALERTS);
    expect(await table.getByTestId('alert-group-row').count()).toBe(1);
    await table.getByRole('row', { name: /Host ws-0 / }).waitFor();

    // The burst is one row; it expands to its 50 agents.
    const group = table.getByTestId('alert-group-row');
    expect(await group.innerText()).toMatch(/50 agents[\s\S]*50 agents offline[\s\S]*50 open/);
    await group.getByRole('button', { name: /Show details of Agents offline/ }).click();
    const members = page.getByTestId('alert-group-members');
    expect(await members.locator('tr').count()).toBe(OFFLINE_BURST);
    expect(await members.innerText()).toContain('Agent branch-00');
    // Local time, not the raw UTC the engine stored.
    expect(await members.innerText()).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);

    await page.getByLabel('Note (kept in the audit log)').fill('Branch uplink down, ticket 4411');
    await page.getByRole('button', { name: 'Acknowledge 50' }).click();
    await page.getByRole('status').filter({ hasText: '50 acknowledged.' }).waitFor();
    expect(await members.innerText()).toContain('Acknowledged by oscar');
    await screenshot(page, SHOTS, 'alerts-inbox-group-acknowledged-en-1280');

    // After a reload, with the filter in the address: only the acknowledged burst, note and all.
    await page.getByRole('combobox', { name: 'State' }).selectOption('acknowledged');
    await page.waitForFunction(() => window.location.hash === '#/alerts?state=acknowledged');
    await page.reload();
    await total.waitFor();
    expect(await total.innerText()).toContain(`Alerts: ${OFFLINE_BURST} · rows: 1`);
    expect(await page.getByRole('combobox', { name: 'State' }).inputValue()).toBe('acknowledged');
    await page.getByTestId('alert-group-row').getByRole('button', { name: /Show details/ }).click();
    expect(await page.getByTestId('alert-group-members').innerText()).toContain('Note: Branch uplink down, ticket 4411');
    await screenshot(page, SHOTS, 'alerts-inbox-acknowledged-filter-en-1280');

    // An alert's link opens Search & triage with its filters in the address.
    await page.goto(`${dlpConsole.url}/#/alerts?state=open`);
    const link = page.getByTestId('fired-alerts').getByTestId('alert-row').first().getByTestId('alert-events-link');
    await link.click();
    await page.waitForFunction(() => window.location.hash.startsWith('#/search?'));
    const params = new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '');
    expect(params.get('agent')).toBe('agent-x');
    expect(params.get('action')).toBe('blocked');
    expect(Date.parse(params.get('to') ?? '') - Date.parse(params.get('from') ?? '')).toBe(11 * 60_000);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await screenshot(page, SHOTS, 'alerts-inbox-link-to-search-en-1280');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows the inbox in Chinese with the acknowledgement and the grouped row', async () => {
    const { context, page, pageErrors } = await openPage(browser, dlpConsole.url, { locale: 'zh-CN' });
    await page.getByLabel('用户名').fill(OFFICER.username);
    await page.getByLabel('密码').fill(OFFICER.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('link', { name: '告警' }).click();
    const total = page.getByTestId('alerts-total');
    await total.waitFor();
    expect(await total.innerText()).toContain(`共 ${SINGLE_ALERTS + OFFLINE_BURST} 条告警，${SINGLE_ALERTS + 1} 行`);
    const group = page.getByTestId('alert-group-row');
    expect(await group.innerText()).toContain('50 台终端离线');
    await group.getByRole('button').first().click();
    expect(await page.getByTestId('alert-group-members').innerText()).toContain('oscar 于');
    await screenshot(page, SHOTS, 'alerts-inbox-zh-cn-1280');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
