import { exceptionPage, policySaved, sampleEvent, type AgentEvent, type AgentInfo, type CapabilityReport, type ExceptionView } from '@dlp/shared';
import type { Page } from 'playwright-core';
import { SimulatedAgent, enrollAgent, type AgentCredentials } from './simulated-agent';
import { ADMIN_PASSWORD, RestSession, addOfficer, linuxWorkstation, openPage, screenshot, signIn, startUiSuite, type UiSuite } from './ui-harness';

/**
 * The host page and search filters in the address (issue 17 items 1 and 2), in Chromium against
 * the built console with three simulated agents: one that refused its policy (with exceptions, a
 * residual limit, events and a timeline), a healthy one, and one that reported bypasses. The page
 * shows the refusal and its reason, the residual limits, the exceptions, the newest events and the
 * timeline in English and Chinese without horizontal scrolling at 1280 px, red only for this host's
 * problems; its links open Search & triage with the filters in the address, which a reload keeps.
 * Screenshots go to $DLP_UI_SCREENSHOT_DIR.
 */

const ENROLL_SECRET = 'e2e-host-page-secret-0123456789abcdef';
const REFUSAL = 'signature does not verify against the pinned console key';
const OFFICER = { username: 'olivia', password: 'Officer-Quiet-Harbour-8842' };
jest.setTimeout(240_000);

const CAPABILITIES: CapabilityReport = {
  apps: { method: 'fanotify', preExec: true, failMode: 'closed', helper: { running: true, restarts: 1, timeouts: 0, cacheHitRate: 0.93 } },
  usb: { method: 'sysfs-authorized', mountGuard: true },
  screen: { captureToolBlocking: true, windowCaptureExclusion: false },
  notes: ['exec helper restarted once after a crash'],
  residuals: [
    { id: 'anonymous-exec-memory', closedBy: 'memfdNoexec', state: 'open' },
    { id: 'window-capture-exclusion-linux', state: 'open' },
  ],
};
const STICK = { vendorId: '0781', productId: '5567', serial: '4C530001' };

let suite: UiSuite;
let admin: RestSession;
const agents: SimulatedAgent[] = [];
const ids: Record<'refuse' | 'ok' | 'bypass', string> = { refuse: '', ok: '', bypass: '' };
/** Events the refusing host reported: five blocked programs, a refused policy, a helper notice. */
const REFUSE_EVENTS = 7;

async function connect(secret: string, hostname: string): Promise<{ agent: SimulatedAgent; credentials: AgentCredentials; info: AgentInfo }> {
  const info = linuxWorkstation(hostname, `user-${hostname}`);
  const credentials = await enrollAgent(suite.dlpConsole.url, secret, info);
  const agent = await SimulatedAgent.connect(suite.dlpConsole.url, credentials, info, CAPABILITIES);
  agents.push(agent);
  return { agent, credentials, info };
}

function appEvents(host: string, seqs: readonly number[]): AgentEvent[] {
  return seqs.map((seq) => sampleEvent({ seq, host, user: `user-${host}`, subject: { kind: 'process', pid: 4000 + seq, ppid: 1, uid: 1000, exePath: `/opt/tools/tool-${seq}`, name: `tool-${seq}`, sha256: 'a'.repeat(64), method: 'fanotify' } }));
}

/** The agent's pending exception requests, once the console has `count` of them (requests arrive over the agent's link). */
async function pendingExceptions(agentId: string, count: number): Promise<ExceptionView[]> {
  for (let tries = 0; tries < 200; tries++) {
    const page = exceptionPage.parse((await admin.send('GET', `/exceptions?agentId=${agentId}&state=pending`)).body);
    if (page.items.length >= count) return page.items;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${count} pending exceptions for ${agentId}`);
}

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-host-page-', enrollSecret: ENROLL_SECRET });
  admin = await RestSession.signIn(suite.dlpConsole.url, 'admin', ADMIN_PASSWORD);
  await addOfficer(suite.dlpConsole.url, OFFICER);
  const created = await admin.send('POST', '/policies', { document: { schema: 'dlp.policy/v1', name: 'Trading floor', mode: 'enforce' } });
  expect(created.status).toBe(201);
  expect((await admin.send('PATCH', '/groups/default', { policyId: policySaved.parse(created.body).policy.id })).status).toBe(200);
  const secret = (await admin.send('POST', '/enroll-secrets', { label: 'host page' })).body as { secret: string };

  const refuse = await connect(secret.secret, 'ws-refuse-01');
  ids.refuse = refuse.credentials.agentId;
  await refuse.agent.rejectPushedPolicy(REFUSAL);
  await refuse.agent.sendEvents([
    ...appEvents('ws-refuse-01', [1, 2, 3, 4, 5]),
    sampleEvent({ seq: 6, host: 'ws-refuse-01', type: 'policy', action: 'blocked', severity: 'high', ruleId: null, subject: { kind: 'policy', serial: 1, reason: 'pushed policy refused: rollback' } }),
    sampleEvent({ seq: 7, host: 'ws-refuse-01', type: 'agent', action: 'info', severity: 'medium', ruleId: null, subject: { kind: 'agent', message: 'exec helper restarted after a crash' } }),
  ]);
  refuse.agent.requestException({ kind: 'usb-device', device: STICK }, 'Quarterly audit files for the regulator', 240, refuse.info.user);
  refuse.agent.requestException({ kind: 'app', sha256: 'b'.repeat(64), exePath: '/opt/vendor/reporter' }, 'Vendor reporting tool for month end', 60, refuse.info.user);
  const stick = (await pendingExceptions(ids.refuse, 2)).find((exception) => exception.target.kind === 'usb-device');
  expect((await admin.send('POST', `/exceptions/${stick?.id ?? ''}/approve`, { note: 'for the audit', durationMinutes: 120 })).status).toBe(200);
  await refuse.agent.receiveException();

  const ok = await connect(secret.secret, 'ws-ok-01');
  ids.ok = ok.credentials.agentId;
  await ok.agent.applyPushedPolicy();
  await ok.agent.sendEvents(appEvents('ws-ok-01', [1, 2, 3]));

  const bypass = await connect(secret.secret, 'ws-bypass-01');
  ids.bypass = bypass.credentials.agentId;
  await bypass.agent.applyPushedPolicy();
  await bypass.agent.sendEvents([1, 2].map((seq) => sampleEvent({ seq, host: 'ws-bypass-01', type: 'bypass', action: 'blocked', severity: 'high' })));
}, 120_000);

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.close().catch(() => undefined)));
  await suite?.stop();
});

/** Waits until the search shows exactly `count` event rows (the answer to the filters in the address). */
async function searchRows(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('tr[data-event-seq]').length === n, count);
}

/** Elements reaching past the window's right edge (empty: no horizontal scrolling), named for the failure message. */
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

/** Every element the page colours red (problems only). */
async function redTexts(page: Page): Promise<string[]> {
  return page.locator('main .badge-red, main .receipt-error, main .timeline-problem, main .capability-absent, main .severity-red').allInnerTexts();
}

describe('host page', () => {
  it('shows the refused policy with its reason, residual limits, exceptions, events and timeline, in English and Chinese', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents`, { width: 1280, height: 900 });
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.locator('tr[data-agent-id] th[scope="row"] a', { hasText: 'ws-refuse-01' }).click();
    await page.waitForFunction((id) => window.location.hash === `#/agents/${id}`, ids.refuse);
    await page.getByRole('heading', { name: /ws-refuse-01/, level: 1 }).waitFor();

    await expect(page.locator('[data-testid="host-receipt-error"]').innerText()).resolves.toBe(REFUSAL);
    await expect(page.locator('[data-policy-state="rejected"] .badge-red').innerText()).resolves.toBe('The agent refused the expected policy');
    await expect(page.locator('[data-testid="host-receipt"]').innerText()).resolves.toMatch(/^Rejected\s+serial \d+ · hash [0-9a-f]{12}/);
    await expect(page.locator('section[aria-labelledby="host-policy"]').innerText()).resolves.toContain('Trading floor v1');
    // Residual limits are part of the answer on this page: unfolded, neutral, with the note.
    const controls = page.locator('section[aria-labelledby="host-controls"]');
    await controls.getByText('code run from memfd or anonymous memory · hardening switch memfdNoexec closes it').waitFor({ state: 'visible' });
    await controls.getByText('exec helper restarted once after a crash').waitFor({ state: 'visible' });
    await expect(controls.locator('.capability-residual').innerText()).resolves.toContain('Window capture exclusion: not available on Linux');

    const exceptions = page.locator('section[aria-labelledby="host-exceptions"] tr[data-exception-id]');
    await exceptions.nth(1).waitFor();
    await expect(exceptions.count()).resolves.toBe(2);
    await expect(exceptions.filter({ hasText: 'Quarterly audit files' }).innerText()).resolves.toMatch(/USB 0781:5567[\s\S]*Approved[\s\S]*In force on the agent/);
    await expect(exceptions.filter({ hasText: 'Vendor reporting tool' }).innerText()).resolves.toMatch(/\/opt\/vendor\/reporter[\s\S]*Pending/);

    const events = page.locator('section[aria-labelledby="host-events"] tr[data-event-seq]');
    await events.nth(REFUSE_EVENTS - 1).waitFor();
    await expect(events.count()).resolves.toBe(REFUSE_EVENTS);
    const timeline = page.locator('.host-timeline');
    await expect(timeline.locator('[data-kind="receipt"]').getAttribute('class')).resolves.toBe('timeline-entry timeline-problem');
    await expect(timeline.locator('[data-kind="receipt"]').innerText()).resolves.toContain(`rejected: ${REFUSAL}`);
    await expect(timeline.locator('.timeline-problem', { hasText: 'pushed policy refused: rollback' }).count()).resolves.toBe(1);
    await timeline.locator('.timeline-normal', { hasText: 'exec helper restarted after a crash' }).waitFor();
    await timeline.locator('[data-kind="enrolled"]').waitFor();
    await screenshot(page, suite.screenshotDir, 'host-page-refused-en-1280');
    expect(await widerThanWindow(page)).toEqual([]);

    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '分组与策略' }).waitFor();
    await expect(page.locator('[data-policy-state="rejected"] .badge-red').innerText()).resolves.toBe('终端拒绝了应执行的策略');
    await expect(page.locator('[data-testid="host-receipt"]').innerText()).resolves.toMatch(/^已拒绝\s+序号 \d+ · 哈希 [0-9a-f]{12}/);
    await controls.getByText('窗口防截屏', { exact: false }).first().waitFor();
    await expect(timeline.locator('[data-kind="receipt"]').innerText()).resolves.toContain(`被拒绝：${REFUSAL}`);
    await page.getByRole('heading', { name: '时间线' }).waitFor();
    await screenshot(page, suite.screenshotDir, 'host-page-refused-zh-1280');
    expect(await widerThanWindow(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('colours nothing red on a healthy host, and shows officers the page without configuration reads', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents/${ids.ok}`, { width: 1280, height: 900 });
    await signIn(page, OFFICER.username, OFFICER.password);
    await page.getByRole('heading', { name: /ws-ok-01/, level: 1 }).waitFor();
    await page.locator('[data-policy-state="in-sync"]').waitFor();
    await page.locator('section[aria-labelledby="host-events"] tr[data-event-seq]').nth(2).waitFor();
    await expect(page.locator('section[aria-labelledby="host-events"] tr[data-event-seq]').count()).resolves.toBe(3);
    await page.locator('.host-timeline [data-kind="receipt"]').waitFor();
    expect(await redTexts(page)).toEqual([]);
    // Officers may not read policies or the audit log: the page asks for neither, so no error shows.
    await expect(page.locator('.banner-error').count()).resolves.toBe(0);
    expect(await widerThanWindow(page)).toEqual([]);
    await screenshot(page, suite.screenshotDir, 'host-page-healthy-officer-en-1280');
    // Uninstall codes are for admins only.
    await expect(page.getByRole('button', { name: 'Uninstall code' }).count()).resolves.toBe(0);

    await page.goto(`${suite.dlpConsole.url}/#/agents/01900000-0000-7000-8000-000000000000`);
    await page.getByText('The console does not know this agent').waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

describe('uninstall codes (issue 14)', () => {
  it('lets an admin issue a code for this host once, with a reason that goes to the audit log, in Chinese', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents/${ids.ok}`, { width: 1280, height: 900 });
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('heading', { name: /ws-ok-01/, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Uninstall code' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Issue uninstall code' }).click();
    await dialog.getByText('Give a reason').waitFor(); // no reason, no code
    await dialog.getByLabel('Reason (kept in the audit log)').fill('Workstation goes back to the vendor');
    await dialog.getByRole('button', { name: 'Issue uninstall code' }).click();
    const code = await dialog.locator('[data-code]').getAttribute('data-code');
    expect(code).toMatch(/^([0-9A-Z]{4}-){5}[0-9A-Z]{4}$/);
    await expect(dialog.locator('pre').innerText()).resolves.toContain(`echo ${code ?? ''} | sudo tee /etc/dlp/uninstall-code`);
    await screenshot(page, suite.screenshotDir, 'host-uninstall-code-en-1280');
    const audit = (await admin.send('GET', '/audit?action=uninstall_code.issue')).body as { items: Array<{ target: { id: string }; after: { reason: string } }> };
    expect(audit.items.map((entry) => [entry.target.id, entry.after.reason])).toEqual([[ids.ok, 'Workstation goes back to the vendor']]);
    expect(JSON.stringify(audit)).not.toContain(code ?? 'no code');

    await page.keyboard.press('Escape');
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('button', { name: '卸载码' }).click();
    await page.getByRole('dialog').getByText('卸载其软件包').waitFor();
    await screenshot(page, suite.screenshotDir, 'host-uninstall-code-zh-1280');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

describe('search filters in the address', () => {
  it('opens the host’s events from the host page, keeps filters and count across a reload, and goes back', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents/${ids.refuse}`, { width: 1280, height: 900 });
    await signIn(page, 'admin', ADMIN_PASSWORD);
    // One event's link opens the host's search with that event's drawer.
    await page.getByRole('link', { name: 'Open event 6 in Search & triage' }).click();
    await searchRows(page, REFUSE_EVENTS);
    expect(new URL(page.url()).hash).toBe(`#/search?agent=${ids.refuse}&event=${encodeURIComponent(`${ids.refuse}:6`)}`);
    await page.getByRole('dialog', { name: 'Triage' }).waitFor();
    await expect(page.locator('tr.row-selected').getAttribute('data-event-seq')).resolves.toBe('6');
    await page.getByRole('dialog', { name: 'Triage' }).getByRole('button', { name: 'Close' }).click();
    expect(new URL(page.url()).hash).toBe(`#/search?agent=${ids.refuse}`);

    await page.getByLabel('Type', { exact: true }).selectOption('app');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await searchRows(page, 5);
    expect(new URL(page.url()).hash).toBe(`#/search?agent=${ids.refuse}&type=app`);

    await page.reload();
    await searchRows(page, 5);
    await expect(page.getByLabel('Agent ID', { exact: true }).inputValue()).resolves.toBe(ids.refuse);
    await expect(page.getByLabel('Type', { exact: true }).inputValue()).resolves.toBe('app');
    await screenshot(page, suite.screenshotDir, 'search-filtered-by-host-en-1280');
    expect(await widerThanWindow(page)).toEqual([]);

    // A search applied is a history entry: Back returns to the host's whole list.
    await page.goBack();
    await searchRows(page, REFUSE_EVENTS);
    await expect(page.getByLabel('Type', { exact: true }).inputValue()).resolves.toBe('');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('opens the tamper and bypass events behind the fleet overview’s counts', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents`, { width: 1280, height: 900 });
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await expect(page.locator('a[data-condition="bypass-24h"] .fleet-count-value').innerText()).resolves.toBe('1');
    await screenshot(page, suite.screenshotDir, 'fleet-overview-event-links-en-1280');
    await page.locator('[data-events-of="bypass-24h"] a').click();
    await searchRows(page, 2);
    const bypassHash = new URL(page.url()).hash;
    expect(bypassHash).toMatch(/^#\/search\?from=[^&]+&type=bypass$/);
    await page.reload();
    await searchRows(page, 2);
    await expect(page.getByLabel('Type', { exact: true }).inputValue()).resolves.toBe('bypass');
    expect(await page.getByLabel('From', { exact: true }).inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);

    await page.goBack();
    await expect(page.locator('a[data-condition="tamper-24h"] .fleet-count-value').innerText()).resolves.toBe('1');
    await page.locator('[data-events-of="tamper-24h"] a', { hasText: 'Policy' }).click();
    await searchRows(page, 1);
    expect(new URL(page.url()).hash).toMatch(/^#\/search\?from=[^&]+&type=policy&action=blocked$/);
    await screenshot(page, suite.screenshotDir, 'search-tamper-events-en-1280');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
