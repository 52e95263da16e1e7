import type { ScanProgress } from '@dlp/shared';
import { SimulatedAgent, enrollAgent } from './simulated-agent';
import { ADMIN_PASSWORD, LINUX_CAPABILITIES, RestSession, addOfficer, linuxWorkstation, openPage, screenshot, signIn, startUiSuite, type UiSuite } from './ui-harness';

/**
 * The host page's "Scan a folder" panel (issue 16 item 3), in Chromium against the built console and
 * a simulated agent: an officer asks for a scan after a confirmation, the agent gets the request and
 * reports it done, and the panel shows the state and counts, in English and Chinese; a relative path
 * never leaves the page; an auditor sees the scans but cannot ask for one. Screenshots go to
 * $DLP_UI_SCREENSHOT_DIR.
 */

const ENROLL_SECRET = 'e2e-host-scan-secret-0123456789abcdef';
const OFFICER = { username: 'olivia', password: 'Officer-Quiet-Harbour-8842' };
const AUDITOR = { username: 'audrey', password: 'Auditor-Calm-Meadow-5521' };
jest.setTimeout(240_000);

const FINISHED: ScanProgress = {
  phase: 'finished',
  filesFound: 1284,
  filesDone: 1284,
  bytesFound: 81_000_000,
  bytesDone: 81_000_000,
  filesFlagged: 3,
  filesBelowThreshold: 12,
  filesUnreadable: 2,
  skipped: { symlinks: 4, denied: 0, special: 0, excluded: 0 },
  fileLimitReached: false,
};

let suite: UiSuite;
let agent: SimulatedAgent;
let agentId = '';

beforeAll(async () => {
  suite = await startUiSuite({ tempPrefix: 'dlp-host-scan-', enrollSecret: ENROLL_SECRET });
  await addOfficer(suite.dlpConsole.url, OFFICER);
  const admin = await RestSession.signIn(suite.dlpConsole.url, 'admin', ADMIN_PASSWORD);
  const auditor = await admin.send('POST', '/users', { username: AUDITOR.username, role: 'auditor', password: AUDITOR.password, mustChangePassword: false });
  expect(auditor.status).toBe(201);
  const info = linuxWorkstation('ws-finance-07', 'zhang.wei');
  const credentials = await enrollAgent(suite.dlpConsole.url, ENROLL_SECRET, info);
  agentId = credentials.agentId;
  agent = await SimulatedAgent.connect(suite.dlpConsole.url, credentials, info, LINUX_CAPABILITIES);
});
afterAll(async () => {
  await agent?.close();
  await suite?.stop();
});

it('an officer asks for a scan after confirming it; the agent’s report shows as done with its counts, in English and Chinese', async () => {
  const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents/${agentId}`, { width: 1280, height: 900 });
  await signIn(page, OFFICER.username, OFFICER.password);
  const panel = page.getByTestId('host-scans');
  await panel.getByText('No scan has been asked of this agent').waitFor();

  await panel.getByLabel('Folder or file on this computer').fill('exports/2026');
  await panel.getByRole('button', { name: 'Scan a folder' }).click();
  await panel.getByText('Give an absolute path').waitFor();
  await expect(page.getByRole('dialog').count()).resolves.toBe(0);

  await panel.getByLabel('Folder or file on this computer').fill('/home/zhang.wei/导出');
  await panel.getByRole('button', { name: 'Scan a folder' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Scan /home/zhang.wei/导出 on ws-finance-07?').waitFor();
  const answered = agent.answerScan('done', FINISHED);
  await dialog.getByRole('button', { name: 'Apply' }).click();
  const request = await answered;
  expect(request).toMatchObject({ path: '/home/zhang.wei/导出', requestedBy: OFFICER.username });
  const row = panel.locator(`tr[data-scan-id="${request.scanId}"][data-scan-state="done"]`);
  await row.waitFor();
  await expect(row.innerText()).resolves.toContain('1284 of 1284 files · 3 with customer data · 12 with some · 2 not read in full');
  await expect(row.innerText()).resolves.toContain('olivia');
  await screenshot(page, suite.screenshotDir, 'host-scan-done-officer-en-1280');

  await page.getByLabel('Language').selectOption('zh-CN');
  await panel.getByRole('heading', { name: '扫描客户数据' }).waitFor();
  await row.getByText('已完成').waitFor();
  await expect(row.innerText()).resolves.toContain('3 个含客户数据');
  await screenshot(page, suite.screenshotDir, 'host-scan-done-officer-zh-1280');
  expect(pageErrors).toEqual([]);
  await context.close();
});

it('shows an auditor the scans without the form', async () => {
  const { context, page, pageErrors } = await openPage(suite.browser, `${suite.dlpConsole.url}/#/agents/${agentId}`, { width: 1280, height: 900 });
  await signIn(page, AUDITOR.username, AUDITOR.password);
  const panel = page.getByTestId('host-scans');
  await panel.locator('tr[data-scan-state="done"]').waitFor();
  await expect(panel.getByRole('button', { name: 'Scan a folder' }).count()).resolves.toBe(0);
  expect(pageErrors).toEqual([]);
  await context.close();
});
