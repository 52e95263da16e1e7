import { uuidv7, type AgentEvent } from '@dlp/shared';
import type { Page } from 'playwright-core';
import { SimulatedAgent, enrollAgent } from './simulated-agent';
import { ADMIN_PASSWORD, LINUX_CAPABILITIES, RestSession, linuxWorkstation, openPage, screenshot, signIn, startUiSuite, type UiSuite } from './ui-harness';

/**
 * The impact preview of a policy draft (issue 17 item 5) in Chromium against the built console.
 * Seeded history with known answers: "Trading" (uses the policy) has ws-a1 (alice) and ws-a2 (bob),
 * "Back office" has ws-b1 (carol). The draft blocks nc and a game and allows /tmp/tool. The panel
 * shows hosts, users and events already blocked, newly blocked and no longer blocked for the groups
 * that use the policy or a chosen group; a count's link lands on a search with the same count.
 * Screenshots in English and Chinese go to $DLP_UI_SCREENSHOT_DIR.
 */

const ENROLL_SECRET = 'e2e-impact-preview-secret-0123456789abcdef';
const NC = 'a'.repeat(64);
const TOOL = 'b'.repeat(64);
const GAME = 'c'.repeat(64);
jest.setTimeout(240_000);

let suite: UiSuite;
let admin: RestSession;
const agents: SimulatedAgent[] = [];
let draftPath = '';

function run(seq: number, host: string, user: string, action: AgentEvent['action'], exePath: string, sha256: string): AgentEvent {
  return {
    id: uuidv7(),
    seq,
    occurredAt: new Date(Date.now() - seq * 3_600_000).toISOString(),
    type: 'app',
    action,
    severity: 'medium',
    user,
    host,
    ruleId: action === 'blocked' ? 'old-rule' : null,
    policySerial: 1,
    subject: { kind: 'process', pid: 4000 + seq, ppid: 1, uid: 1000, exePath, name: exePath.slice(exePath.lastIndexOf('/') + 1), sha256, method: 'proc-scan' },
  };
}

async function created<T>(reply: Promise<{ status: number; body: unknown }>, field: string): Promise<T> {
  const { status, body } = await reply;
  if (status !== 201) throw new Error(`expected 201, got ${status}: ${JSON.stringify(body)}`);
  return (body as Record<string, T>)[field] as T;
}

/** Enrolls a host, puts it in its group before it reports, then sends its history. */
async function seedHost(groupId: string, hostname: string, user: string, events: (host: string, user: string) => AgentEvent[]): Promise<void> {
  const info = linuxWorkstation(hostname, user);
  const credentials = await enrollAgent(suite.dlpConsole.url, ENROLL_SECRET, info);
  expect((await admin.send('PUT', `/agents/${credentials.agentId}/group`, { groupId })).status).toBe(200);
  const agent = await SimulatedAgent.connect(suite.dlpConsole.url, credentials, info, LINUX_CAPABILITIES);
  agents.push(agent);
  const history = events(hostname, user);
  expect(await agent.sendEvents(history)).toBe(history.length);
}

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-impact-preview-', enrollSecret: ENROLL_SECRET });
  admin = await RestSession.signIn(suite.dlpConsole.url, 'admin', ADMIN_PASSWORD);
  const policy = await created<{ id: string }>(admin.send('POST', '/policies', { document: { schema: 'dlp.policy/v1', name: 'Desk policy', mode: 'enforce' } }), 'policy');
  const trading = await created<{ id: string }>(admin.send('POST', '/groups', { name: 'Trading', policyId: policy.id }), 'group');
  const backOffice = await created<{ id: string }>(admin.send('POST', '/groups', { name: 'Back office' }), 'group');
  await seedHost(trading.id, 'ws-a1', 'alice', (h, u) => [run(1, h, u, 'blocked', '/usr/bin/nc', NC), run(2, h, u, 'blocked', '/usr/bin/nc', NC), run(3, h, u, 'allowed', '/home/alice/game', GAME), run(4, h, u, 'blocked', '/tmp/tool', TOOL)]);
  await seedHost(trading.id, 'ws-a2', 'bob', (h, u) => [run(1, h, u, 'blocked', '/bin/nc', NC), run(2, h, u, 'allowed', '/home/bob/game', GAME)]);
  await seedHost(backOffice.id, 'ws-b1', 'carol', (h, u) => [run(1, h, u, 'allowed', '/home/carol/game', GAME), run(2, h, u, 'allowed', '/home/carol/game', GAME), run(3, h, u, 'blocked', '/usr/bin/nc', NC)]);
  const document = {
    schema: 'dlp.policy/v1',
    name: 'Desk policy, stricter',
    mode: 'enforce',
    apps: {
      rules: [
        { id: 'no-nc', action: 'block', kind: 'name', value: 'nc' },
        { id: 'allow-tool', action: 'allow', kind: 'path', value: '/tmp/tool' },
        { id: 'no-game', action: 'block', kind: 'sha256', value: GAME },
      ],
    },
  };
  const draft = await created<{ id: string }>(admin.send('POST', `/policies/${policy.id}/drafts`, { document }), 'draft');
  draftPath = `#/policies/${policy.id}/drafts/${draft.id}`;
}, 120_000);

afterAll(async () => {
  for (const agent of agents) await agent.close();
  await suite?.stop();
});

/** A bucket card's hosts, users and events as shown. */
function bucketCounts(page: Page, bucket: string): Promise<string[]> {
  return page.locator(`section[data-bucket="${bucket}"] > .impact-counts [data-count]`).allInnerTexts();
}

async function preview(page: Page, button: string): Promise<void> {
  const report = page.getByTestId('impact-report');
  const before = (await report.count()) > 0 ? await report.innerText() : '';
  await page.getByRole('button', { name: button }).click();
  // A new answer replaces the old one (or appears the first time).
  await page.waitForFunction((old) => {
    const shown = document.querySelector('[data-testid="impact-report"]');
    return shown !== null && (shown as HTMLElement).innerText !== old;
  }, before);
}

/** Follows a count's link and reads the search's result count. */
async function followToSearch(page: Page, link: ReturnType<Page['locator']>): Promise<string> {
  const href = await link.getAttribute('href');
  expect(href).toMatch(/^#\/search\?/);
  await link.click();
  await page.waitForFunction((wanted) => window.location.hash === wanted, href);
  const count = page.getByTestId('result-count');
  await count.waitFor();
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="result-count"]')?.textContent ?? ''));
  return count.innerText();
}

describe('impact preview', () => {
  it('counts hosts, users and events per bucket for the policy\'s groups or a chosen group, and every count opens its events', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/${draftPath}`, { width: 1440, height: 1000 });
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await preview(page, 'Preview impact');
    await expect(page.getByTestId('impact-report').innerText()).resolves.toContain('Events of Trading from');
    // Hosts, users, events: nc on both Trading hosts; the game on both; /tmp/tool, which the draft allows.
    await expect(bucketCounts(page, 'alreadyBlocked')).resolves.toEqual(['2', '2', '3']);
    await expect(bucketCounts(page, 'newlyBlocked')).resolves.toEqual(['2', '2', '2']);
    await expect(bucketCounts(page, 'noLongerBlocked')).resolves.toEqual(['1', '1', '1']);
    const chart = page.getByRole('img', { name: 'Events per bucket, by group, type and reported action' });
    await expect(chart.locator('g[data-bucket="newlyBlocked"] a').count()).resolves.toBe(1);
    // The panel fits its column: nothing of it sticks out past the window.
    await expect(page.evaluate(() => Math.ceil(document.querySelector('.impact-preview')?.getBoundingClientRect().right ?? Infinity) <= window.innerWidth)).resolves.toBe(true);
    await screenshot(page, suite.screenshotDir, 'impact-preview-1440');

    // The newly blocked bucket is one search; its events count lands on a search with the same count.
    const newlyEvents = page.locator('section[data-bucket="newlyBlocked"] > .impact-counts a[data-count="events"]');
    expect(await newlyEvents.getAttribute('href')).toContain('group=');
    await expect(followToSearch(page, newlyEvents)).resolves.toBe('2 events');
    await page.goBack();

    // Already blocked spans a search that also holds /tmp/tool: its nc slice is the exact one.
    await preview(page, 'Preview impact');
    const already = page.locator('section[data-bucket="alreadyBlocked"]');
    await expect(already.locator('> .impact-counts a').count()).resolves.toBe(0);
    await already.locator('.impact-slices summary').click();
    const ncRow = already.locator('.impact-slices tbody tr', { hasText: 'no-nc' });
    await expect(ncRow.locator('a[data-count="events"]').innerText()).resolves.toBe('3');
    await expect(followToSearch(page, ncRow.locator('a[data-count="events"]'))).resolves.toBe('3 events');
    await page.goBack();

    // A chosen group: Back office's own history.
    await page.getByTestId('impact-group').selectOption({ label: 'Only Back office' });
    await preview(page, 'Preview impact');
    await expect(page.getByTestId('impact-report').innerText()).resolves.toContain('Events of Back office from');
    await expect(bucketCounts(page, 'alreadyBlocked')).resolves.toEqual(['1', '1', '1']);
    await expect(bucketCounts(page, 'newlyBlocked')).resolves.toEqual(['1', '1', '2']);
    await expect(bucketCounts(page, 'noLongerBlocked')).resolves.toEqual(['0', '0', '0']);
    const hostsLink = page.locator('section[data-bucket="newlyBlocked"] > .impact-counts a[data-count="hosts"]');
    await expect(followToSearch(page, hostsLink)).resolves.toBe('2 events');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows the same buckets in Chinese', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/${draftPath}`, { width: 1280, height: 1000 });
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByLabel('Language').selectOption('zh-CN');
    await preview(page, '预览影响');
    await expect(page.locator('section[data-bucket="newlyBlocked"] h3').innerText()).resolves.toBe('新被阻止');
    await expect(bucketCounts(page, 'newlyBlocked')).resolves.toEqual(['2', '2', '2']);
    await expect(page.getByTestId('impact-report').innerText()).resolves.toContain('Trading · 应用程序');
    await screenshot(page, suite.screenshotDir, 'impact-preview-zh-1280');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
