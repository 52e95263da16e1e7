import { employeeText } from '@dlp/shared';
import type { Page } from 'playwright-core';
import type { FakeTrayWindow } from './fake-bridges';
import { BROWSER_TEST_TIMEOUT_MS, fakeCalls, openTrayWindow, pageProblems, screenshotIfAsked, startRendererSuite, type RendererSuite } from './renderer-harness';
import { answers, APP_BLOCK, HELP_URL, LIVE_BLOCK, STATUS, USB_BLOCK } from './tray-samples';

/**
 * The tray's main window (issue 15 item 3) in real Chromium, built as shipped and loaded from
 * file:// under its CSP, with a fake of exactly the preload's TrayApi: status in English and
 * Chinese at 420 × 640, live block and status notices, keyboard tabs, and failures in words.
 */
jest.setTimeout(BROWSER_TEST_TIMEOUT_MS);

let suite: RendererSuite;
beforeAll(async () => {
  suite = await startRendererSuite('dlp-tray-status-');
});
afterAll(async () => suite?.stop());

const en = employeeText('en');
const zh = employeeText('zh-CN');

async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await page.locator('[role=tabpanel]:not([hidden])').waitFor();
}

/** The window fits its 420 px width: nothing scrolls sideways, and the five tabs share one row. */
async function expectFitsNarrowWindow(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
  expect(new Set(await page.getByRole('tab').evaluateAll((tabs) => tabs.map((tab) => tab.getBoundingClientRect().top))).size).toBe(1);
}

it('shows the status in English: protection, console, policy, controls and the policy notice', async () => {
  const page = await openTrayWindow(suite, answers('en'));
  const protection = page.locator('[data-protection]');
  await expect(protection.textContent()).resolves.toBe(en.protection.protected);
  const green = await protection.evaluate((element) => getComputedStyle(element).color);
  await expect(page.locator('[data-console]').textContent()).resolves.toContain(en.consoleLink.connected);
  // 06:05 UTC is 2:05 PM in the window's zone (Asia/Shanghai).
  await expect(page.locator('[data-console]').textContent()).resolves.toMatch(/Last contact: .*2:05/);
  await expect(page.locator('[data-policy]').textContent()).resolves.toBe('Finance workstations (version 7) · enforcing');
  const controls = await page.locator('.control').allTextContents();
  expect(controls).toEqual(STATUS.controls.map((control) => `${en.control[control.control]}${en.controlState[control.state]}`));
  await expect(page.locator('#panel-status .notice__message').textContent()).resolves.toBe(STATUS.notice.message);
  await page.locator('#panel-status').getByRole('button', { name: 'Get help' }).click();
  expect(await fakeCalls(page)).toContainEqual({ method: 'openHelp', arg: HELP_URL });
  await expectFitsNarrowWindow(page);
  await screenshotIfAsked(page, 'tray-status-en');

  // A status notice (the policy switched to monitor mode) updates the page in place, colour too.
  await page.evaluate((status) => (window as unknown as FakeTrayWindow).fakeTray.emit({ kind: 'status', status }), {
    ...STATUS,
    protection: 'monitor-only' as const,
    console: 'unreachable' as const,
    policy: { serial: 8, name: 'Finance workstations', mode: 'monitor' as const },
  });
  await page.locator('[data-protection=monitor-only]').waitFor();
  await expect(protection.textContent()).resolves.toBe(en.protection['monitor-only']);
  expect(await protection.evaluate((element) => getComputedStyle(element).color)).not.toBe(green);
  await expect(page.locator('[data-console]').textContent()).resolves.toContain(en.consoleLink.unreachable);
  await expect(page.locator('[data-policy]').textContent()).resolves.toBe('Finance workstations (version 8) · monitoring only');
  expect(await pageProblems(page)).toEqual([]);
  await page.context().close();
});

it('speaks Chinese when the OS locale is zh-CN, and fits 420 × 640', async () => {
  const page = await openTrayWindow(suite, answers('zh-CN'));
  await expect(page.locator('[data-protection]').textContent()).resolves.toBe(zh.protection.protected);
  expect(await page.evaluate(() => [document.documentElement.lang, document.title])).toEqual(['zh-CN', '数据保护']);
  expect(await page.getByRole('tab').allTextContents()).toEqual(['状态', '拦截记录', '申请例外', '我的申请', '解锁码']);
  await expect(page.locator('[data-console]').textContent()).resolves.toMatch(/已连接管理控制台最近联系：.*14:05/);
  await expect(page.locator('[data-policy]').textContent()).resolves.toBe('Finance workstations（第 7 版） · 拦截模式');
  expect(await page.locator('.control').first().textContent()).toBe(`${zh.control.apps}${zh.controlState.enforced}`);
  await expect(page.locator('#panel-status').getByRole('button', { name: '获取帮助' }).isVisible()).resolves.toBe(true);
  await expectFitsNarrowWindow(page);
  await screenshotIfAsked(page, 'tray-status-zh-CN');

  await openTab(page, '拦截记录');
  await expect(page.locator('.block').first().locator('[data-action]').textContent()).resolves.toBe('已拦截');
  await expect(page.locator('.block').nth(1).locator('[data-action]').textContent()).resolves.toBe('将被拦截（监控模式）');
  await expectFitsNarrowWindow(page);
  await screenshotIfAsked(page, 'tray-blocks-zh-CN');
  expect(await pageProblems(page)).toEqual([]);
  await page.context().close();
});

it('puts a live block notice at the top of the recent blocks', async () => {
  const page = await openTrayWindow(suite, answers('en'));
  await openTab(page, 'Blocked');
  const rows = page.locator('.block');
  await expect(rows.evaluateAll((items) => items.map((item) => item.getAttribute('data-event-id')))).resolves.toEqual([APP_BLOCK.eventId, USB_BLOCK.eventId]);
  await expect(rows.first().locator('.block__reason').textContent()).resolves.toBe(APP_BLOCK.reason);
  await expect(page.locator('#panel-blocks .notice__message').textContent()).resolves.toBe(STATUS.notice.message);

  await page.waitForFunction(() => (window as unknown as FakeTrayWindow).fakeTray.listenerCount() === 1);
  await page.evaluate((block) => (window as unknown as FakeTrayWindow).fakeTray.emit({ kind: 'block', block }), LIVE_BLOCK);
  await page.locator(`.block[data-event-id="${LIVE_BLOCK.eventId}"]`).waitFor();
  await expect(rows.count()).resolves.toBe(3);
  const top = rows.first();
  await expect(top.getAttribute('data-event-id')).resolves.toBe(LIVE_BLOCK.eventId);
  await expect(top.locator('.block__what').textContent()).resolves.toBe('Program /usr/bin/anydesk');
  await expect(top.locator('.block__reason').textContent()).resolves.toBe(LIVE_BLOCK.reason);
  await expect(top.locator('[data-action]').textContent()).resolves.toBe('Blocked');
  await expect(top.locator('time').textContent()).resolves.toMatch(/2:10/);
  await expect(rows.nth(2).locator('[data-action]').textContent()).resolves.toBe('Would be blocked (monitor mode)');
  await screenshotIfAsked(page, 'tray-blocks-en');
  expect(await pageProblems(page)).toEqual([]);
  await page.context().close();
});

it('moves between sections with the keyboard, with a visible focus ring', async () => {
  const page = await openTrayWindow(suite, answers('en'));
  await page.locator('[data-protection]').waitFor();
  await page.keyboard.press('Tab');
  await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Status');
  await page.keyboard.press('ArrowRight');
  await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Blocked');
  await expect(page.getByRole('tab', { name: 'Blocked' }).getAttribute('aria-selected')).resolves.toBe('true');
  await expect(page.locator('#panel-blocks').isVisible()).resolves.toBe(true);
  expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)).toBe('solid');
  // Tab leaves the strip for the first control in the open panel.
  await page.keyboard.press('Tab');
  await expect(page.evaluate(() => document.activeElement?.closest('[role=tabpanel]')?.id)).resolves.toBe('panel-blocks');
  await page.context().close();
});

it('says in a sentence that the agent is not running, and never shows a raw error', async () => {
  const notRunning = { ok: false as const, failure: 'agent-not-running' as const };
  const page = await openTrayWindow(suite, answers('en', { status: notRunning, recentBlocks: { ok: false, failure: 'error', message: 'ECONNREFUSED /run/dlp/agent.sock' } }));
  const alert = page.locator('#panel-status [role=alert]');
  await expect(alert.locator('p').textContent()).resolves.toBe(en.agentNotRunning);
  await openTab(page, 'Blocked');
  await expect(page.locator('#panel-blocks [role=alert] p').textContent()).resolves.toBe(
    'Something went wrong while asking the DLP agent. Please try again; if it keeps happening, tell your IT helpdesk.',
  );
  expect(await page.locator('body').textContent()).not.toContain('ECONNREFUSED');

  // The agent comes back: "Try again" asks once more and the status appears.
  await page.evaluate((status) => Object.assign((window as unknown as FakeTrayWindow).fakeTray.answers, { status: { ok: true, value: status } }), STATUS);
  await openTab(page, 'Status');
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(page.locator('[data-protection]').textContent()).resolves.toBe(en.protection.protected);
  expect((await fakeCalls(page)).filter((call) => call.method === 'status')).toHaveLength(2);
  expect(await pageProblems(page)).toEqual([]);
  await page.context().close();
});
