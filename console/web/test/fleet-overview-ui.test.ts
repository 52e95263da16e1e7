import { AGENT_CONDITIONS, agentOverviewResponse, groupList, policySaved, sampleEvent, userList, type AgentCondition, type AgentInfo, type CapabilityReport } from '@dlp/shared';
import type { Page } from 'playwright-core';
import { SimulatedAgent, enrollAgent } from './simulated-agent';
import { ADMIN_PASSWORD, LINUX_CAPABILITIES, RestSession, UI_TIMEOUT_MS, linuxWorkstation, openPage, screenshot, signIn, startUiSuite, type UiSuite } from './ui-harness';

/**
 * The fleet overview and the compact agent table (issue 17 items 1, 7, 9) against the built console
 * with 150 simulated agents in every state: each count equals the rows of the list it opens, the
 * filters survive a reload through the address, states are honest (rejected red, never answered
 * grey, fail-open not green, a Linux row without a red mark for window-capture exclusion), selects
 * that change agents or accounts ask first, and every navigation entry is on screen at 1280 and
 * 1440 px in English and Chinese. Screenshots go to $DLP_UI_SCREENSHOT_DIR.
 */

const ENROLL_SECRET = 'e2e-fleet-overview-secret-0123456789';
jest.setTimeout(300_000);

const HEALTHY: CapabilityReport = {
  apps: { method: 'fanotify', preExec: true, failMode: 'closed', helper: { running: true, restarts: 0, timeouts: 0, cacheHitRate: 0.93 } },
  usb: { method: 'sysfs-authorized', mountGuard: true },
  screen: { captureToolBlocking: true, windowCaptureExclusion: false },
  notes: [],
};
const FAIL_OPEN: CapabilityReport = { ...HEALTHY, apps: { ...HEALTHY.apps, failMode: 'open', helper: { running: true, restarts: 2, timeouts: 14, cacheHitRate: 0.9 } } };
const NOTHING: CapabilityReport = {
  apps: { method: 'none', preExec: false, failMode: 'closed' },
  usb: { method: 'none', mountGuard: false },
  screen: { captureToolBlocking: false, windowCaptureExclusion: false },
  notes: [],
};
const WINDOWS: CapabilityReport = {
  apps: { method: 'none', preExec: false, failMode: 'closed' },
  usb: { method: 'none', mountGuard: false },
  screen: { captureToolBlocking: true, windowCaptureExclusion: true },
  notes: [],
};

/** How each seeded agent behaves, and how many of each. */
interface Cohort {
  name: string;
  count: number;
  os?: AgentInfo['os'];
  capabilities?: CapabilityReport;
  /** Never says hello: offline since enrollment. */
  neverConnects?: true;
  answer: 'apply' | 'reject' | 'ignore';
  event?: 'tamper' | 'bypass';
}

const COHORTS: readonly Cohort[] = [
  { name: 'ok', count: 50, capabilities: HEALTHY, answer: 'apply' },
  { name: 'win', count: 10, os: 'windows', capabilities: WINDOWS, answer: 'apply' },
  { name: 'wait', count: 15, capabilities: HEALTHY, answer: 'ignore' },
  { name: 'refuse', count: 10, capabilities: HEALTHY, answer: 'reject' },
  { name: 'gone', count: 20, neverConnects: true, answer: 'ignore' },
  { name: 'open', count: 15, capabilities: FAIL_OPEN, answer: 'apply' },
  { name: 'scan', count: 15, capabilities: LINUX_CAPABILITIES, answer: 'apply' },
  { name: 'bare', count: 5, capabilities: NOTHING, answer: 'apply' },
  { name: 'tamper', count: 5, capabilities: HEALTHY, answer: 'apply', event: 'tamper' },
  { name: 'bypass', count: 5, capabilities: HEALTHY, answer: 'apply', event: 'bypass' },
];
const FLEET_SIZE = COHORTS.reduce((sum, cohort) => sum + cohort.count, 0);

let suite: UiSuite;
let admin: RestSession;
const connected: SimulatedAgent[] = [];

async function seedAgent(secret: string, cohort: Cohort, index: number): Promise<void> {
  const hostname = `ws-${cohort.name}-${String(index).padStart(2, '0')}`;
  const info: AgentInfo = { ...linuxWorkstation(hostname, `user-${cohort.name}-${index}`), ...(cohort.os === 'windows' ? { os: 'windows', osVersion: '10.0.19045' } : {}) };
  const credentials = await enrollAgent(suite.dlpConsole.url, secret, info);
  if (cohort.neverConnects) return;
  const agent = await SimulatedAgent.connect(suite.dlpConsole.url, credentials, info, cohort.capabilities ?? HEALTHY);
  connected.push(agent);
  if (cohort.answer === 'apply') await agent.applyPushedPolicy();
  if (cohort.answer === 'reject') await agent.rejectPushedPolicy('signature does not verify against the pinned console key');
  if (cohort.event === 'tamper') await agent.sendEvents([sampleEvent({ seq: 1, host: hostname, type: 'policy', action: 'blocked', severity: 'critical' })]);
  if (cohort.event === 'bypass') await agent.sendEvents([sampleEvent({ seq: 1, host: hostname, type: 'bypass', action: 'blocked', severity: 'high' })]);
}

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-fleet-overview-', enrollSecret: ENROLL_SECRET });
  admin = await RestSession.signIn(suite.dlpConsole.url, 'admin', ADMIN_PASSWORD);
  const created = await admin.send('POST', '/enroll-secrets', { label: 'fleet', ratePerMinute: 100_000 });
  expect(created.status).toBe(201);
  const secret = (created.body as { secret: string }).secret;
  for (const cohort of COHORTS) {
    // Ten at a time: quick, and gentle on a busy 2-core box.
    for (let start = 0; start < cohort.count; start += 10) {
      await Promise.all(Array.from({ length: Math.min(10, cohort.count - start) }, (_, i) => seedAgent(secret, cohort, start + i)));
    }
  }
}, 240_000);

afterAll(async () => {
  await Promise.all(connected.map((agent) => agent.close().catch(() => undefined)));
  await suite?.stop();
});

/** Waits until the table shows the answer to `condition`, and returns its total. */
async function answeredTotal(page: Page, condition: AgentCondition | ''): Promise<number> {
  const status = page.locator(`.agent-count[data-condition="${condition}"][data-total]`);
  await status.waitFor();
  return Number(await status.getAttribute('data-total'));
}

/**
 * Host names of every row of the current list: the table renders only the rows in view, so its
 * box is scrolled down ten rows at a time and each row is read once it is rendered with its agent.
 */
async function rowsOfList(page: Page, condition: AgentCondition | ''): Promise<string[]> {
  const total = await answeredTotal(page, condition);
  const hosts = new Map<number, string>();
  const box = page.locator('.agents-scroll');
  for (let index = 0; index < total; index += 10) {
    await box.evaluate((element, row) => {
      const height = element.querySelector('tbody tr[data-row-index]')?.getBoundingClientRect().height ?? 36;
      element.scrollTop = row * height;
    }, index);
    // Wait for the last row of this stretch, not the first: the first is often already rendered
    // (overscan) before the scroll is handled, and reading then misses the rows below it.
    const last = Math.min(index + 9, total - 1);
    await page.locator(`tr[data-row-index="${index}"][data-agent-id]`).waitFor();
    await page.locator(`tr[data-row-index="${last}"][data-agent-id]`).waitFor();
    const rendered = await page.locator('tr[data-row-index][data-agent-id]').evaluateAll((rows) => rows.map((row) => [Number(row.getAttribute('data-row-index')), row.querySelector('th[scope="row"]')?.textContent ?? ''] as const));
    for (const [at, host] of rendered) hosts.set(at, host);
  }
  return [...hosts.entries()].filter(([at]) => at < total).map(([, host]) => host);
}

async function overviewCount(page: Page, condition: AgentCondition): Promise<number> {
  return Number(await page.locator(`a[data-condition="${condition}"] .fleet-count-value`).innerText());
}

describe('fleet overview and agent table', () => {
  it('lands the admin on the overview, and every count equals the rows of the list it opens', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, suite.dlpConsole.url, { width: 1440, height: 900 });
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('heading', { name: 'Fleet overview' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/agents');
    expect(await answeredTotal(page, '')).toBe(FLEET_SIZE);
    await screenshot(page, suite.screenshotDir, 'fleet-overview-en-1440');

    // The console's counts (the same the links show), against the seeded answer.
    const overview = agentOverviewResponse.parse((await admin.send('GET', '/agents/overview')).body);
    expect(overview.total).toBe(FLEET_SIZE);
    expect(overview.counts).toEqual({
      compliant: 50 + 10 + 15 + 5 + 5,
      // Never connected: the group's policy is pending for them too (and they are offline > 24 h).
      'policy-pending': 15 + 20,
      'policy-failed': 10,
      'offline-24h': 20,
      'fail-open': 15,
      degraded: 10 + 15 + 5,
      'tamper-24h': 5,
      'bypass-24h': 5,
    });

    for (const condition of AGENT_CONDITIONS) {
      const count = await overviewCount(page, condition);
      expect({ condition, count }).toEqual({ condition, count: overview.counts[condition] });
      await page.locator(`a[data-condition="${condition}"]`).click();
      await page.waitForFunction((hash) => window.location.hash === hash, `#/agents?condition=${condition}`);
      expect({ condition, total: await answeredTotal(page, condition) }).toEqual({ condition, total: count });
      const rows = await rowsOfList(page, condition);
      expect({ condition, rows: rows.length, distinct: new Set(rows).size }).toEqual({ condition, rows: count, distinct: count });
    }
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('keeps filters and sort in the address across a reload', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents`);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await answeredTotal(page, '');
    await page.getByLabel('OS', { exact: true }).selectOption('windows');
    await page.waitForFunction(() => window.location.hash.includes('os=windows'));
    await page.locator('th button.sort-button', { hasText: 'Host' }).click();
    await page.waitForFunction(() => window.location.hash.includes('order=desc'));
    await page.getByLabel('Search host or user', { exact: true }).fill('ws-win-0');
    await page.waitForFunction(() => window.location.hash.includes('q=ws-win-0'));
    expect(new URL(page.url()).hash).toBe('#/agents?q=ws-win-0&os=windows&order=desc');

    await page.reload();
    await answeredTotal(page, '');
    await expect(page.getByLabel('OS', { exact: true }).inputValue()).resolves.toBe('windows');
    await expect(page.getByLabel('Search host or user', { exact: true }).inputValue()).resolves.toBe('ws-win-0');
    const hosts = await page.locator('tr[data-agent-id] th[scope="row"]').allInnerTexts();
    expect(hosts).toEqual(Array.from({ length: 10 }, (_, i) => `ws-win-0${9 - i}`));

    // A bookmark of the paged table (`page=2`) opens the whole list, every agent once.
    await page.goto(`${suite.dlpConsole.url}/#/agents?page=2`);
    await page.reload();
    expect(await answeredTotal(page, '')).toBe(FLEET_SIZE);
    const all = await rowsOfList(page, '');
    expect({ rows: all.length, distinct: new Set(all).size }).toEqual({ rows: FLEET_SIZE, distinct: FLEET_SIZE });
    await page.getByLabel('State', { exact: true }).selectOption('policy-failed');
    expect(await answeredTotal(page, 'policy-failed')).toBe(10);
    expect(new URL(page.url()).hash).toBe('#/agents?condition=policy-failed');
    await screenshot(page, suite.screenshotDir, 'fleet-filter-policy-failed-en-1280');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows honest one-line states: rejected red with the error, never answered grey, fail-open amber, residuals neutral', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents?q=ws-refuse-00`);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await answeredTotal(page, '');
    const rejected = page.locator('tr[data-agent-id]', { hasText: 'ws-refuse-00' });
    const rejectedBadge = rejected.locator('.badge-red', { hasText: 'Rejected' });
    await expect(rejectedBadge.getAttribute('title')).resolves.toMatch(/^Serial \d+ refused: signature does not verify against the pinned console key$/);
    const height = (await rejected.boundingBox())?.height ?? 0;
    expect(height).toBeGreaterThan(20);
    expect(height).toBeLessThanOrEqual(40);

    const check = async (query: string, host: string, selector: string, text: string) => {
      await page.getByLabel('Search host or user', { exact: true }).fill(query);
      const row = page.locator('tr[data-agent-id]', { hasText: host });
      await row.locator(selector, { hasText: text }).waitFor({ timeout: UI_TIMEOUT_MS });
      return row;
    };
    await check('ws-wait-00', 'ws-wait-00', '.badge-grey', 'Never answered');
    const failOpen = await check('ws-open-00', 'ws-open-00', '.badge-amber', 'Fail-open');
    await expect(failOpen.locator('td.cell-controls .badge-green').count()).resolves.toBe(0);
    await check('ws-bare-00', 'ws-bare-00', '.badge-red', 'Enforces nothing');
    await check('ws-tamper-00', 'ws-tamper-00', '.badge-red', 'Tamper');
    const healthy = await check('ws-ok-00', 'ws-ok-00', '.badge-green', 'Enforcing');
    // A Linux host: window-capture exclusion is a platform residual, never a red mark of this row.
    await expect(healthy.locator('.badge-red').count()).resolves.toBe(0);
    await expect(healthy.locator('td.cell-controls').innerText()).resolves.toBe('Enforcing');
    await healthy.getByRole('button', { name: 'Details of ws-ok-00' }).click();
    const details = page.locator('tr.agent-details-row');
    const exclusion = details.locator('.capability', { hasText: 'Window capture exclusion: not available on Linux' });
    await expect(exclusion.getAttribute('class')).resolves.toBe('capability capability-residual');
    await expect(details.locator('.capability-absent').count()).resolves.toBe(0);
    await screenshot(page, suite.screenshotDir, 'agent-row-details-en-1280');
    await page.getByLabel('Language').selectOption('zh-CN');
    await details.locator('.capability', { hasText: '窗口防截屏' }).waitFor();
    await screenshot(page, suite.screenshotDir, 'agent-row-details-zh-1280');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows every navigation entry inside the window at 1280 and 1440 px, in English and Chinese', async () => {
    for (const locale of ['en-US', 'zh-CN']) {
      for (const width of [1280, 1440]) {
        const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents`, { width, height: 900 });
        await signIn(page, 'admin', ADMIN_PASSWORD);
        await answeredTotal(page, '');
        if (locale === 'zh-CN') await page.getByLabel('Language').selectOption('zh-CN');
        const nav = page.locator('nav.main-nav');
        await nav.locator('a', { hasText: locale === 'zh-CN' ? '终端' : 'Agents' }).waitFor();
        const links = await nav.locator('a').all();
        expect(links.length).toBe(11);
        for (const link of links) {
          const box = await link.boundingBox();
          const label = await link.innerText();
          expect({ label, box: box !== null }).toEqual({ label, box: true });
          if (!box) continue;
          const inside = box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= 900;
          // Not clipped by an overflow box or covered: the link itself is what sits at its centre.
          const onTop = await link.evaluate((element) => {
            const rect = element.getBoundingClientRect();
            const hit = document.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2);
            return hit !== null && element.contains(hit);
          });
          expect({ locale, width, label, inside, onTop }).toEqual({ locale, width, label, inside: true, onTop: true });
        }
        // The sign-out button too stays on screen.
        const signOut = page.getByRole('button', { name: locale === 'zh-CN' ? '退出登录' : 'Sign out' });
        const box = await signOut.boundingBox();
        expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= width).toBe(true);
        await screenshot(page, suite.screenshotDir, `fleet-overview-${locale === 'zh-CN' ? 'zh' : 'en'}-${width}`);
        expect(pageErrors).toEqual([]);
        await context.close();
      }
    }
  });
  // Last: it assigns another policy to the whole fleet, which changes every count above.
  it('asks before a group’s policy select pushes a policy and before a user’s role changes', async () => {
    const policy = await admin.send('POST', '/policies', { document: { schema: 'dlp.policy/v1', name: 'Trading floor', mode: 'enforce' } });
    expect(policy.status).toBe(201);
    const saved = policySaved.parse(policy.body).policy;
    const policyOfDefault = async () => groupList.parse((await admin.send('GET', '/groups')).body).items.find((g) => g.builtIn)?.policyId;
    const before = await policyOfDefault();
    expect(before).not.toBe(saved.id);
    const created = await admin.send('POST', '/users', { username: 'olga', role: 'officer', password: 'Officer-Quiet-Harbour-8842', mustChangePassword: false });
    expect(created.status).toBe(201);

    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/groups`);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    const select = page.getByLabel('Policy of group default', { exact: true });
    await select.selectOption({ label: 'Trading floor (v1)' });
    const dialog = page.getByRole('dialog', { name: 'Confirm the change' });
    await expect(dialog.locator('.confirm-message').innerText()).resolves.toBe(
      `Assign “Trading floor (v1)” to group “default”? The console signs it and pushes it at once to the group’s ${FLEET_SIZE} agents.`,
    );
    // Nothing happened yet: the select still shows the current policy, the console still has it.
    await expect(select.inputValue()).resolves.toBe(before);
    expect(await policyOfDefault()).toBe(before);
    await screenshot(page, suite.screenshotDir, 'group-policy-confirm-en-1280');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await policyOfDefault()).toBe(before);
    await select.selectOption({ label: 'Trading floor (v1)' });
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await policyOfDefault()).toBe(saved.id);

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users' }).click();
    const role = page.locator('tr[data-username="olga"] select');
    await role.selectOption('auditor');
    await expect(dialog.locator('.confirm-message').innerText()).resolves.toBe('Change the role of “olga” from Security officer to Auditor? Their access changes at once.');
    const roleOf = async () => userList.parse((await admin.send('GET', '/users')).body).items.find((u) => u.username === 'olga')?.role;
    expect(await roleOf()).toBe('officer');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await roleOf()).toBe('officer');
    await page.getByLabel('Language').selectOption('zh-CN');
    await role.selectOption('auditor');
    const zhDialog = page.getByRole('dialog', { name: '确认更改' });
    await expect(zhDialog.locator('.confirm-message').innerText()).resolves.toBe('将“olga”的角色从安全专员改为审计员？其权限立即生效。');
    await screenshot(page, suite.screenshotDir, 'user-role-confirm-zh-1280');
    await zhDialog.getByRole('button', { name: '应用' }).click();
    await zhDialog.waitFor({ state: 'detached' });
    expect(await roleOf()).toBe('auditor');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
