/* eslint-disable no-restricted-imports -- Node-side browser test: it names a screenshot file of the viewport. */
import path from 'node:path';
import { draftDetail, groupResponse, policyList, policySaved, type PolicyDocumentInput } from '@dlp/shared';
import type { Page } from 'playwright-core';
import { enrollAgent } from './simulated-agent';
import { ADMIN_PASSWORD, RestSession, linuxWorkstation, openPage, screenshot, signIn, startUiSuite, type UiSuite } from './ui-harness';

/**
 * The policy editor as forms (issue 17 item 4), in Chromium against the built console: a policy
 * using every section round-trips form → JSON → form unchanged (unknown fields kept); a field the
 * console refuses is focused in the form and marked on its line in the JSON view; a Windows path
 * rule is accepted; Publish and Delete ask first, naming the groups and their host counts, and
 * Publish shows the changes against the published version. Screenshots go to $DLP_UI_SCREENSHOT_DIR.
 */

const ENROLL_SECRET = 'e2e-policy-form-secret-0123456789abcdef';
const WINDOWS_PATH = 'C:\\Program Files\\Tencent\\QQ\\Bin\\QQ.exe';
jest.setTimeout(240_000);

const EVERY_SECTION: PolicyDocumentInput = {
  schema: 'dlp.policy/v1',
  name: 'Mixed fleet',
  description: 'Desks in Shanghai and Shenzhen',
  mode: 'enforce',
  apps: {
    enabled: true,
    defaultAction: 'allow',
    trustedPaths: ['/usr/', '/opt/'],
    rules: [
      { id: 'no-anydesk', action: 'block', kind: 'name', value: 'anydesk', description: 'Remote desktop' },
      { id: 'no-mac-shot', action: 'block', kind: 'path', value: '/Applications/Snipaste.app/**' },
      { id: 'no-tool-hash', action: 'block', kind: 'sha256', value: 'ab'.repeat(32) },
    ],
    failMode: 'closed',
    decisionTimeoutMs: 300,
  },
  usb: { enabled: true, defaultAction: 'read-only', rules: [{ id: 'ok-kingston', action: 'allow', match: { interfaceClass: 8, vendorId: '0951', productId: '1666' }, description: 'Encrypted sticks' }] },
  screen: { blockCaptureTools: true, watermark: { enabled: true, text: '内部资料 严禁外传', opacity: 0.15 } },
  content: { enabled: true, detectors: ['cn-resident-id', 'bank-card'], watchedPaths: ['/home/'], action: 'report', minDistinct: 20 },
  hardening: { restrictUserNamespaces: true, memfdNoexec: true, fuseSysAdminAccess: false },
  notice: { message: '如需使用请联系 IT 服务台', helpUrl: 'https://it.example.cn/dlp' },
};

let suite: UiSuite;
let admin: RestSession;
let policyId = '';

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-policy-form-', enrollSecret: ENROLL_SECRET });
  admin = await RestSession.signIn(suite.dlpConsole.url, 'admin', ADMIN_PASSWORD);
  const created = await admin.send('POST', '/policies', { document: EVERY_SECTION });
  expect(created.status).toBe(201);
  policyId = policySaved.parse(created.body).policy.id;
  // Two groups use the policy: Trading floor with two hosts, Finance with one.
  for (const [name, hosts] of [['Trading floor', 2], ['Finance', 1]] as const) {
    const group = await admin.send('POST', '/groups', { name, policyId });
    expect(group.status).toBe(201);
    const groupId = groupResponse.parse(group.body).group.id;
    for (let n = 1; n <= hosts; n += 1) {
      const { agentId } = await enrollAgent(suite.dlpConsole.url, ENROLL_SECRET, linuxWorkstation(`ws-${groupId.slice(-4)}-${n}`, `user${n}`));
      expect((await admin.send('PUT', `/agents/${agentId}/group`, { groupId })).status).toBe(200);
    }
  }
});
afterAll(async () => {
  await suite?.stop();
});

async function newDraft(): Promise<string> {
  const created = await admin.send('POST', `/policies/${policyId}/drafts`, {});
  expect(created.status).toBe(201);
  return draftDetail.parse(created.body).draft.id;
}

async function openDraft(draftId: string): Promise<Awaited<ReturnType<typeof openPage>>> {
  const opened = await openPage(suite.browser, `${suite.dlpConsole.url}/#/policies/${policyId}/drafts/${draftId}`, { width: 1440, height: 900 });
  await signIn(opened.page, 'admin', ADMIN_PASSWORD);
  await opened.page.locator('#pf-name').waitFor();
  return opened;
}

async function jsonOf(page: Page): Promise<unknown> {
  await page.getByRole('tab', { name: 'JSON' }).click();
  return JSON.parse(await page.locator('#draft-json').inputValue()) as unknown;
}

it('shows every section in the form and round-trips form → JSON → form without losing a field', async () => {
  const draftId = await newDraft();
  const stored = draftDetail.parse((await admin.send('GET', `/drafts/${draftId}`)).body).document;
  const { context, page, pageErrors } = await openDraft(draftId);
  await expect(page.locator('#pf-name').inputValue()).resolves.toBe('Mixed fleet');
  await expect(page.locator('#pf-apps-decisionTimeoutMs').inputValue()).resolves.toBe('300');
  await expect(page.locator('#pf-apps-rules-1-value').inputValue()).resolves.toBe('/Applications/Snipaste.app/**');
  await expect(page.locator('#pf-usb-rules-0-match-vendorId').inputValue()).resolves.toBe('0951');
  await expect(page.locator('#pf-screen-watermark-text').inputValue()).resolves.toBe('内部资料 严禁外传');
  await expect(page.getByLabel('Bank card number').isChecked()).resolves.toBe(true);
  await expect(page.locator('#pf-hardening-memfdNoexec').isChecked()).resolves.toBe(true);
  await expect(page.locator('#pf-notice-helpUrl').inputValue()).resolves.toBe('https://it.example.cn/dlp');
  await screenshot(page, suite.screenshotDir, 'policy-form-en-1440');
  expect(await jsonOf(page)).toEqual(stored);

  // JSON → form → JSON: fields the form has no control for (unknown ones too) come back as typed.
  const typed = { ...stored, printers: { blockAll: true }, apps: { ...stored.apps, mood: 'calm' } };
  await page.locator('#draft-json').fill(JSON.stringify(typed, null, 2));
  await page.getByRole('tab', { name: 'Form' }).click();
  await page.getByText('Kept as written, not shown in the form: printers').waitFor();
  await page.getByText('Kept as written, not shown in the form: mood').waitFor();
  expect(await jsonOf(page)).toEqual(typed);
  // Form → JSON: one edit in the form is the only difference.
  await page.getByRole('tab', { name: 'Form' }).click();
  await page.locator('#pf-usb-rules-0-match-productId').fill('1667');
  const edited = await jsonOf(page);
  expect(edited).toEqual({ ...typed, usb: { ...typed.usb, rules: [{ ...stored.usb.rules[0], match: { ...stored.usb.rules[0]?.match, productId: '1667' } }] } });
  // The tabs follow the arrow keys like any tab list.
  await page.getByRole('tab', { name: 'Form' }).click();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'JSON' }).getAttribute('aria-selected')).resolves.toBe('true');
  await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('pf-tab-json');
  expect(pageErrors).toEqual([]);
  await context.close();
});

it('puts the console’s field error on its field and its JSON line; accepts a Windows path; asks before publishing', async () => {
  const draftId = await newDraft();
  const { context, page, pageErrors } = await openDraft(draftId);
  const value = page.locator('#pf-apps-rules-1-value');
  await value.fill('Program Files\\Tencent\\QQ.exe');
  const refused = page.waitForResponse((response) => response.url().endsWith(`/api/v1/drafts/${draftId}`) && response.request().method() === 'PUT');
  await page.getByRole('button', { name: 'Save draft' }).click();
  expect((await refused).status()).toBe(400);
  await page.getByTestId('draft-issues').getByText('apps.rules.1.value').waitFor();
  await expect(value.getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('pf-apps-rules-1-value');
  await page.locator('[data-path="apps.rules.1.value"] .pf-field-problem').getByText('absolute path').waitFor();
  // The viewport, not the full page: the focused field is scrolled to the middle of the screen.
  await page.screenshot({ path: path.join(suite.screenshotDir, 'policy-form-field-error-en-1440.png') });

  await page.getByRole('tab', { name: 'JSON' }).click();
  const text = await page.locator('#draft-json').inputValue();
  const line = text.split('\n').findIndex((row) => row.includes('Program Files')) + 1;
  await expect(page.locator('.pf-json-line-error').allInnerTexts()).resolves.toEqual([String(line)]);
  await page.getByTestId('draft-issues').getByRole('button', { name: /apps\.rules\.1\.value/ }).click();
  const caret = await page.locator('#draft-json').evaluate((area: HTMLTextAreaElement) => area.value.slice(0, area.selectionStart).split('\n').length);
  expect(caret).toBe(line);
  await screenshot(page, suite.screenshotDir, 'policy-form-json-error-en-1440');

  await page.getByRole('tab', { name: 'Form' }).click();
  await value.fill(WINDOWS_PATH);
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByText('Draft saved.').waitFor();
  const saved = draftDetail.parse((await admin.send('GET', `/drafts/${draftId}`)).body).document;
  expect(saved.apps.rules[1]?.value).toBe(WINDOWS_PATH);

  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Publish this draft?' });
  await expect(dialog.getByTestId('publish-reach').innerText()).resolves.toBe(
    'Version 2 of “Mixed fleet” will be signed and sent to 2 group(s): Finance (hosts: 1), Trading floor (hosts: 2). Hosts in all: 3; each applies it when it arrives.',
  );
  const changes = dialog.getByTestId('publish-changes');
  await changes.getByText('Changes against the published version (v1)').waitFor();
  await expect(changes.locator('li').allInnerTexts()).resolves.toEqual([expect.stringContaining('$.apps.rules[1] · no-mac-shot')]);
  await expect(changes.innerText()).resolves.toContain(WINDOWS_PATH.replace(/\\/g, '\\\\'));
  await screenshot(page, suite.screenshotDir, 'policy-form-publish-confirm-en-1440');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  const versionNow = async () => policyList.parse((await admin.send('GET', `/policies/${policyId}/versions`)).body).items[0]?.version;
  expect(await versionNow()).toBe(1);

  await page.getByLabel('Language').selectOption('zh-CN');
  await page.getByRole('tab', { name: '表单' }).waitFor();
  await screenshot(page, suite.screenshotDir, 'policy-form-zh-1440');
  await page.getByRole('button', { name: '发布', exact: true }).click();
  const zhDialog = page.getByRole('dialog', { name: '发布此草稿？' });
  await expect(zhDialog.getByTestId('publish-reach').innerText()).resolves.toBe(
    '“Mixed fleet”的版本 2 将被签名并发送到 2 个分组：Finance（1 台主机）、Trading floor（2 台主机）。共 3 台主机收到后即应用。',
  );
  await zhDialog.getByTestId('publish-changes').getByText('与已发布版本（v1）相比的变更').waitFor();
  await screenshot(page, suite.screenshotDir, 'policy-form-publish-confirm-zh-1440');
  await zhDialog.getByRole('button', { name: '发布', exact: true }).click();
  await page.waitForURL(`**/#/policies/${policyId}`);
  expect(await versionNow()).toBe(2);
  const current = (await admin.send('GET', `/policies/${policyId}`)).body as { document: { apps: { rules: Array<{ value: string }> } } };
  expect(current.document.apps.rules[1]?.value).toBe(WINDOWS_PATH);
  expect(pageErrors).toEqual([]);
  await context.close();
});

it('asks before deleting a draft, naming the groups and hosts that keep the published version', async () => {
  const draftId = await newDraft();
  const { context, page, pageErrors } = await openDraft(draftId);
  await page.getByRole('button', { name: 'Delete draft' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this draft?' });
  await expect(dialog.getByTestId('delete-reach').innerText()).resolves.toBe(
    'The draft of “Mixed fleet” will be deleted. Nothing is sent to agents: Finance (hosts: 1), Trading floor (hosts: 2) keep version 2 (hosts in all: 3).',
  );
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect((await admin.send('GET', `/drafts/${draftId}`)).status).toBe(200);
  await page.getByRole('button', { name: 'Delete draft' }).click();
  await dialog.getByRole('button', { name: 'Delete draft' }).click();
  await page.waitForURL(`**/#/policies/${policyId}`);
  expect((await admin.send('GET', `/drafts/${draftId}`)).status).toBe(404);
  expect(pageErrors).toEqual([]);
  await context.close();
});
