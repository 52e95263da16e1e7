import WebSocket from 'ws';
import { consoleToAgentMessage, PROTOCOL_VERSION, type ConsoleToAgentMessage } from '@dlp/shared';
import { ADMIN_PASSWORD, linuxWorkstation, openPage, screenshot, signIn, startUiSuite, type UiSuite } from './ui-harness';

/**
 * Enrollment hygiene in the Groups page: an admin creates an enroll secret that needs approval and
 * has a use limit, a new agent (real ws protocol) is told to wait, shows up in the pending list, the
 * admin approves it there, and the agent's next try enrolls. Built console, headless Chromium.
 */

const ENROLL_SECRET = 'e2e-enrollment-ui-secret-0123456789';
const REQUEST_KEY = 'ui-test-request-key-0123456789';
jest.setTimeout(120_000);

let suite: UiSuite;

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-enrollment-ui-', enrollSecret: ENROLL_SECRET });
}, 60_000);

afterAll(async () => {
  await suite?.stop();
});

/** One enroll attempt: the console's first answer and the close code. */
async function enrollOnce(secret: string): Promise<{ message: ConsoleToAgentMessage; code: number }> {
  const socket = new WebSocket(`${suite.dlpConsole.url.replace(/^http/, 'ws')}/agent`);
  const first = new Promise<ConsoleToAgentMessage>((resolve) => socket.once('message', (data) => resolve(consoleToAgentMessage.parse(JSON.parse(String(data))))));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'enroll', secret, agent: linuxWorkstation('ws-waiting-07', 'bob'), requestKey: REQUEST_KEY }));
  return { message: await first, code: await closed };
}

describe('enrollment approval in the web UI', () => {
  it('creates a limited secret that needs approval, lists the waiting agent, and approves it', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/groups`);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Enroll secrets' }) });
    await section.getByLabel('Label').fill('Branch 9 laptops');
    await section.getByLabel('Max. agents').fill('3');
    await section.getByLabel('Expires in (days)').fill('7');
    await section.getByLabel('Needs approval').check();
    await section.getByRole('button', { name: 'Create secret' }).click();
    const secret = (await page.locator('[data-secret]').innerText()).trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const row = section.locator('tr', { hasText: 'Branch 9 laptops' });
    await row.getByText('0 of 3').waitFor();
    await row.getByText('approval required · 0 waiting').waitFor();

    const waiting = await enrollOnce(secret);
    expect(waiting.message).toMatchObject({ type: 'error', code: 'enroll_pending', retryAfterMs: expect.any(Number) });
    expect(waiting.code).toBe(4202);

    await page.reload();
    const pending = page.locator('section', { has: page.getByRole('heading', { name: 'Agents waiting for approval' }) });
    const pendingRow = pending.locator('tr', { hasText: 'ws-waiting-07' });
    await pendingRow.getByText('bob').waitFor();
    await screenshot(page, suite.screenshotDir, 'enrollment-pending-1280');
    await pendingRow.getByRole('button', { name: 'Approve' }).click();
    await pending.getByRole('status').filter({ hasText: 'Enrollment of ws-waiting-07: approved.' }).waitFor();
    await pending.getByText('No agents are waiting for approval.').waitFor();

    const enrolled = await enrollOnce(secret);
    expect(enrolled.message).toMatchObject({ type: 'enrolled' });
    expect(enrolled.code).toBe(1000);
    await page.reload();
    await section.locator('tr', { hasText: 'Branch 9 laptops' }).getByText('1 of 3').waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows the pending list in Chinese', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/groups`, { locale: 'zh-CN' });
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '等待审批的终端' }).waitFor();
    await page.getByText('没有等待审批的终端。').waitFor();
    await page.getByText('需要审批', { exact: true }).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
