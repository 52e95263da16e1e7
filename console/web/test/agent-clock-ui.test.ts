import { sampleEvent, type AgentInfo } from '@dlp/shared';
import { SimulatedAgent, enrollAgent } from './simulated-agent';
import { ADMIN_PASSWORD, LINUX_CAPABILITIES, linuxWorkstation, openPage, screenshot, signIn, startUiSuite, type UiSuite } from './ui-harness';

/**
 * An agent whose clock is a day ahead: the Agents page shows the skew (en and zh-CN), and the event
 * drawer shows where the console placed the event beside the agent's own time and the receive time.
 * Built console process, a simulated agent over the real ws protocol, built UI in headless Chromium.
 */

const ENROLL_SECRET = 'e2e-agent-clock-secret-0123456789';
const WORKSTATION: AgentInfo = linuxWorkstation('ws-ahead-01', 'alice');
const DAY_MS = 24 * 3_600_000;
jest.setTimeout(120_000);

let suite: UiSuite;
let agent: SimulatedAgent;
let agentId: string;

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-agent-clock-', enrollSecret: ENROLL_SECRET });
  const credentials = await enrollAgent(suite.dlpConsole.url, ENROLL_SECRET, WORKSTATION);
  agentId = credentials.agentId;
  agent = await SimulatedAgent.connect(suite.dlpConsole.url, credentials, WORKSTATION, LINUX_CAPABILITIES, DAY_MS);
  const occurredAt = new Date(Date.now() + DAY_MS).toISOString();
  expect(await agent.sendEvents([sampleEvent({ seq: 1, host: 'ws-ahead-01', occurredAt })])).toBe(1);
}, 60_000);

afterAll(async () => {
  await agent?.close();
  await suite?.stop();
});

test('the Agents page shows a skewed clock, in English and in Chinese', async () => {
  const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents`);
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const row = page.locator(`tr[data-agent-id="${agentId}"]`);
  await row.locator('.badge', { hasText: '1 d ahead' }).waitFor();
  await screenshot(page, suite.screenshotDir, 'agent-clock-en');
  await page.getByLabel('Language').selectOption('zh-CN');
  await row.locator('.badge', { hasText: '快 1 天' }).waitFor();
  await screenshot(page, suite.screenshotDir, 'agent-clock-zh');
  expect(pageErrors).toEqual([]);
  await context.close();
});

test('the event drawer shows the placed time, the agent’s own time and the receive time', async () => {
  const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents`);
  await signIn(page, 'admin', ADMIN_PASSWORD);
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Search & triage' }).click();
  await page.getByRole('button', { name: 'Triage event 1 on ws-ahead-01' }).click();
  const drawer = page.getByRole('dialog', { name: 'Triage' });
  await drawer.getByText('Agent time').waitFor();
  await drawer.getByText('Received').waitFor();
  // Time (placed), agent time, received: the agent's own time is a day after the placed one.
  const [placed, agentTime] = await drawer.locator('dd').allInnerTexts();
  expect(agentTime).toBeDefined();
  expect(agentTime).not.toBe(placed);
  expect(pageErrors).toEqual([]);
  await context.close();
});
