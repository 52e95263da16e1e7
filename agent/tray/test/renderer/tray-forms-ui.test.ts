import { employeeText } from '@dlp/shared';
import type { Page } from 'playwright-core';
import type { FakeTrayAnswers, FakeTrayWindow } from './fake-bridges';
import { BROWSER_TEST_TIMEOUT_MS, fakeCalls, openTrayWindow, pageProblems, screenshotIfAsked, startRendererSuite, type RendererSuite } from './renderer-harness';
import { answers, APP_BLOCK, MY_REQUESTS, REQUEST_ID, USB_BLOCK } from './tray-samples';

/**
 * The tray's forms (issue 15 item 3) in real Chromium with a fake of exactly the TrayApi: an
 * exception request filled in from a block, the employee's requests, and the unlock code with the
 * typo the agent located marked where it was typed.
 */
jest.setTimeout(BROWSER_TEST_TIMEOUT_MS);

let suite: RendererSuite;
beforeAll(async () => {
  suite = await startRendererSuite('dlp-tray-forms-');
});
afterAll(async () => suite?.stop());

const en = employeeText('en');
const zh = employeeText('zh-CN');

async function setAnswer<K extends keyof FakeTrayAnswers>(page: Page, key: K, value: FakeTrayAnswers[K]): Promise<void> {
  await page.evaluate(([name, answer]) => Object.assign((window as unknown as FakeTrayWindow).fakeTray.answers, { [name]: answer }), [key, value] as const);
}

async function requestCalls(page: Page) {
  return (await fakeCalls(page)).filter((call) => call.method === 'requestException').map((call) => call.arg);
}

it('fills the request form from a block, sends exactly what was entered and shows the answer', async () => {
  const page = await openTrayWindow(suite, answers('en'));
  await page.getByRole('tab', { name: 'Blocked' }).click();
  await page.locator(`.block[data-event-id="${APP_BLOCK.eventId}"]`).getByRole('button', { name: 'Request an exception' }).click();
  await expect(page.getByRole('tab', { name: 'Request', exact: true }).getAttribute('aria-selected')).resolves.toBe('true');
  const target = page.locator('[data-target]');
  await expect(target.textContent()).resolves.toBe(`Program ${APP_BLOCK.what} SHA-256 ${'3f'.repeat(6)}…`);
  const justification = page.getByLabel('Why do you need it?');
  await expect(justification.evaluate((element) => element === document.activeElement)).resolves.toBe(true);

  // Nothing is sent without a reason.
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.locator('#panel-request .field__problem').textContent()).resolves.toBe('Please say why you need it.');
  expect(await requestCalls(page)).toEqual([]);

  await justification.fill('  Quarterly close: the auditor shares files through this tool.  ');
  await page.getByLabel('For how long').selectOption({ label: '1 day' });
  await page.getByRole('button', { name: 'Send request' }).click();
  const sent = page.locator('#panel-request [role=status]');
  await expect(sent.textContent()).resolves.toBe(en.requestSent(REQUEST_ID));
  expect(await requestCalls(page)).toEqual([{ target: APP_BLOCK.target, justification: 'Quarterly close: the auditor shares files through this tool.', requestedMinutes: 1440 }]);
  await screenshotIfAsked(page, 'tray-request-en');

  // Custom minutes beyond the 30-day cap are refused on the page; within it, sent as typed.
  await page.getByLabel('For how long').selectOption({ label: 'Other…' });
  await page.getByLabel('Minutes').fill('50000');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.locator('#panel-request p.field__problem').textContent()).resolves.toBe('Please enter whole minutes from 1 to 43200.');
  expect(await requestCalls(page)).toHaveLength(1);
  await setAnswer(page, 'requestException', { ok: true, value: { ok: false, reason: 'offline', message: 'offline' } });
  await page.getByLabel('Minutes').fill('90');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.locator('#panel-request [data-refusal=offline]').textContent()).resolves.toBe(en.requestRefused('offline'));
  expect((await requestCalls(page))[1]).toMatchObject({ requestedMinutes: 90 });

  // Failures of the call itself are sentences too.
  await setAnswer(page, 'requestException', { ok: false, failure: 'rate-limited', retryAfterMs: 2500 });
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.locator('#panel-request [role=alert] p').textContent()).resolves.toBe(en.rateLimited(3));
  expect(await pageProblems(page)).toEqual([]);
  await page.context().close();
});

it('fills a USB device in and lists my requests with their state, in Chinese', async () => {
  const page = await openTrayWindow(suite, answers('zh-CN', { requestException: { ok: true, value: { ok: false, reason: 'not-enrolled', message: 'x' } } }));
  await page.getByRole('tab', { name: '拦截记录' }).click();
  await page.locator(`.block[data-event-id="${USB_BLOCK.eventId}"]`).getByRole('button', { name: '申请例外' }).click();
  await expect(page.locator('[data-target]').textContent()).resolves.toBe('USB 设备 0781:5581 序列号 4C530001230101112233');
  await page.getByLabel('申请理由').fill('需要拷贝审计资料');
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.locator('#panel-request [data-refusal]').textContent()).resolves.toBe(zh.requestRefused('not-enrolled'));
  expect(await requestCalls(page)).toEqual([{ target: USB_BLOCK.target, justification: '需要拷贝审计资料', requestedMinutes: 240 }]);
  await screenshotIfAsked(page, 'tray-request-zh-CN');

  await page.getByRole('tab', { name: '我的申请' }).click();
  const rows = page.locator('.request');
  await expect(rows.count()).resolves.toBe(MY_REQUESTS.length);
  await expect(rows.first().locator('[data-state]').textContent()).resolves.toMatch(new RegExp(`^${zh.requestState.granted} · 有效期至 .*17:35`));
  await expect(rows.first().textContent()).resolves.toContain('4 小时');
  await expect(rows.nth(1).locator('[data-state]').textContent()).resolves.toBe(zh.requestState.pending);
  await expect(rows.nth(1).textContent()).resolves.toContain('1 天');
  await screenshotIfAsked(page, 'tray-my-requests-zh-CN');
  expect(await pageProblems(page)).toEqual([]);
  await page.context().close();
});

it('marks the mistyped character of an unlock code where it was typed', async () => {
  const page = await openTrayWindow(suite, answers('en'));
  await page.getByRole('tab', { name: 'Unlock' }).click();
  const typed = 'abcd-efgh jkmn-pqrs-tvwx-yz01';
  const input = page.getByRole('textbox', { name: 'Unlock code' });
  await input.fill(typed);
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  const refusal = page.locator('#panel-unlock [data-refusal=checksum]');
  await expect(refusal.locator('p').first().textContent()).resolves.toBe(en.unlockRefused({ reason: 'checksum', position: 7 }, 24));
  // The 7th code character (dashes and spaces not counted) is the "g", at index 7 of what was typed.
  const mark = refusal.locator('mark');
  await expect(mark.textContent()).resolves.toBe('g');
  await expect(refusal.locator('code').textContent()).resolves.toBe(typed);
  expect(await mark.evaluate((element) => getComputedStyle(element).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
  expect(await input.evaluate((element: HTMLInputElement) => [element.selectionStart, element.selectionEnd, element === document.activeElement])).toEqual([7, 8, true]);
  expect((await fakeCalls(page)).filter((call) => call.method === 'unlock')).toEqual([{ method: 'unlock', arg: typed }]);
  await screenshotIfAsked(page, 'tray-unlock-en');

  await setAnswer(page, 'unlock', { ok: true, value: { ok: true, device: { vendorId: '0781', productId: '5581', serial: 'S1', name: 'SanDisk Ultra' }, expiresAt: '2025-03-01T10:00:00.000Z', message: 'ok' } });
  await input.fill('ABCD-EFGH-JKMN-PQRS-TVWX-YZ02');
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  await expect(page.locator('#panel-unlock [role=status]').textContent()).resolves.toMatch(/^Accepted: the USB device SanDisk Ultra may be used until .*6:00 PM\.$/);

  await setAnswer(page, 'unlock', { ok: false, failure: 'agent-not-running' });
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  await expect(page.locator('#panel-unlock [role=alert] p').textContent()).resolves.toBe(en.agentNotRunning);
  expect(await pageProblems(page)).toEqual([]);
  await page.context().close();
});

it('marks the typo in Chinese too', async () => {
  const page = await openTrayWindow(suite, answers('zh-CN', { unlock: { ok: true, value: { ok: false, reason: 'format', position: 24, message: 'bad char' } } }));
  await page.getByRole('tab', { name: '解锁码' }).click();
  await page.getByRole('textbox', { name: '解锁码' }).fill('ABCD EFGH JKMN PQRS TVWX YZ0!');
  await page.getByRole('button', { name: '解锁', exact: true }).click();
  const refusal = page.locator('#panel-unlock [data-refusal=format]');
  await expect(refusal.locator('p').first().textContent()).resolves.toBe(zh.unlockRefused({ reason: 'format', position: 24 }, 24));
  await expect(refusal.locator('mark').textContent()).resolves.toBe('!');
  await screenshotIfAsked(page, 'tray-unlock-zh-CN');
  await page.context().close();
});
