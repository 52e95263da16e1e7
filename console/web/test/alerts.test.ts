/* eslint-disable no-restricted-imports -- Node-side end-to-end test: it drives a real browser against a real console process. */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { uuidv7, type AgentEvent, type AgentInfo } from '@dlp/shared';
import { startHttpsReceiver } from '../../server/src/testing/https-receiver';
import { SimulatedAgent, enrollAgent } from './simulated-agent';
import { addOfficer, ADMIN_PASSWORD, LINUX_CAPABILITIES, linuxWorkstation, startUiSuite, type UiSuite, openPage, screenshot, signIn } from './ui-harness';

/**
 * The alerts page end to end: the built console as a child process, a simulated agent over the real
 * protocol, a webhook receiver on loopback, and the built UI in headless Chromium. The admin sets up
 * a destination and a rule in the page, sends a test alert (checked against the secret the page showed
 * once), and an officer sees the alert the agent's event fired — in English and in Chinese.
 */

const OFFICER = { username: 'oscar', password: 'Officer-Signal-Copper-8842' };
const ENROLL_SECRET = 'e2e-enroll-secret-alerts-0123456789';
jest.setTimeout(120_000);

const WORKSTATION: AgentInfo = linuxWorkstation('ws-branch-07', 'bob');

let agent: SimulatedAgent;
let suite: UiSuite;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ headers: IncomingHttpHeaders; body: string; url: string }> = [];
/** The webhook's signing secret, as the page showed it once (first test). */
let webhookSecret = '';

function piiEvent(seq: number, policySerial: number): AgentEvent {
  return {
    id: uuidv7(),
    seq,
    occurredAt: new Date().toISOString(),
    type: 'content',
    action: 'blocked',
    severity: 'high',
    user: WORKSTATION.user,
    host: WORKSTATION.hostname,
    ruleId: null,
    policySerial,
    subject: { kind: 'file', path: '/media/usb/customers.xlsx', matches: { 'cn-resident-id': 37 }, samples: [] },
  };
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), url: req.url ?? '' });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/dlp-alerts`;

  suite = await startUiSuite({ tempPrefix: 'dlp-console-alerts-', enrollSecret: ENROLL_SECRET });
  const credentials = await enrollAgent(suite.dlpConsole.url, ENROLL_SECRET, WORKSTATION);
  agent = await SimulatedAgent.connect(suite.dlpConsole.url, credentials, WORKSTATION, LINUX_CAPABILITIES);
  await addOfficer(suite.dlpConsole.url, OFFICER);
}, 60_000);

afterAll(async () => {
  await agent?.close();
  await suite?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('alerts UI', () => {
  it('lets an admin add a webhook and a rule and send a signed test alert; an officer sees the fired alert in both languages', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, suite.dlpConsole.url);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();

    const destinationForm = page.getByRole('form', { name: 'New destination' });
    await destinationForm.getByLabel('Name').fill('SOC webhook');
    await destinationForm.getByLabel('URL').fill(receiverUrl);
    await destinationForm.getByRole('button', { name: 'Create destination' }).click();
    const secret = (await page.locator('[data-secret]').innerText()).trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    webhookSecret = secret;
    await screenshot(page, suite.screenshotDir, 'alerts-destination-created-1280');

    const destinations = page.getByTestId('alert-destinations');
    await destinations.getByRole('row', { name: /SOC webhook/ }).getByRole('button', { name: 'Send test alert' }).click();
    await page.getByTestId('test-result').filter({ hasText: 'Test alert to “SOC webhook” delivered' }).waitFor();
    expect(received).toHaveLength(1);
    const [test] = received;
    const expected = `sha256=${createHmac('sha256', secret).update(test?.body ?? '').digest('hex')}`;
    expect(test?.headers['x-dlp-signature']).toBe(expected);
    expect(JSON.parse(test?.body ?? '{}')).toMatchObject({ test: true });

    const ruleForm = page.getByRole('form', { name: 'New rule' });
    await ruleForm.getByLabel('Name').fill('Customer data on USB');
    await ruleForm.getByLabel('Kind').selectOption('content');
    await ruleForm.getByLabel('Severity').selectOption('critical');
    await ruleForm.getByLabel('SOC webhook').check();
    await ruleForm.getByRole('button', { name: 'Create rule' }).click();
    const ruleRow = page.getByTestId('alert-rules').getByRole('row', { name: /Customer data on USB/ });
    await ruleRow.waitFor();
    expect(await ruleRow.innerText()).toContain('SOC webhook');
    expect(pageErrors).toEqual([]);
    await context.close();

    // The agent reports personal data on a USB stick: the rule fires and the webhook gets it.
    await agent.sendEvents([piiEvent(1, 1)]);
    const deadline = Date.now() + 15_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(JSON.parse(received[1]?.body ?? '{}')).toMatchObject({ test: false, alert: { kind: 'content', severity: 'critical', entity: { label: 'ws-branch-07' } } });

    const officer = await openPage(suite.browser, suite.dlpConsole.url);
    await signIn(officer.page, OFFICER.username, OFFICER.password);
    await officer.page.getByRole('link', { name: 'Alerts' }).click();
    const fired = officer.page.getByTestId('fired-alerts').getByRole('row', { name: /Customer data on USB/ });
    await fired.waitFor();
    expect(await fired.innerText()).toMatch(/Agent ws-branch-07[\s\S]*Personal data detected in \/media\/usb\/customers\.xlsx[\s\S]*Open/);
    // Officers read rules but change nothing, and never see destinations.
    expect(await officer.page.getByRole('form', { name: 'New rule' }).count()).toBe(0);
    expect(await officer.page.getByTestId('alert-destinations').count()).toBe(0);
    await screenshot(officer.page, suite.screenshotDir, 'alerts-officer-1280');
    expect(officer.pageErrors).toEqual([]);
    await officer.context.close();

    const chinese = await openPage(suite.browser, suite.dlpConsole.url, { locale: 'zh-CN' });
    await chinese.page.getByLabel('用户名').fill(OFFICER.username);
    await chinese.page.getByLabel('密码').fill(OFFICER.password);
    await chinese.page.getByRole('button', { name: '登录' }).click();
    await chinese.page.getByRole('link', { name: '告警' }).click();
    await chinese.page.getByRole('heading', { name: '已触发的告警' }).waitFor();
    const chineseRows = await chinese.page.getByTestId('fired-alerts').innerText();
    expect(chineseRows).toContain('未解除');
    expect(chineseRows).toContain('在 /media/usb/customers.xlsx 中发现个人信息');
    await screenshot(chinese.page, suite.screenshotDir, 'alerts-officer-zh-cn-1280');
    expect(chinese.pageErrors).toEqual([]);
    await chinese.context.close();
  });

  it('lets an admin edit a rule in a prefilled form: a wrong field is named by its path, the change is saved and kept', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, suite.dlpConsole.url);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Alerts' }).click();
    const rules = page.getByTestId('alert-rules');
    await rules.getByRole('row', { name: /Customer data on USB/ }).getByRole('button', { name: 'Edit' }).click();

    const dialog = page.getByRole('dialog', { name: 'Edit rule “Customer data on USB”' });
    const form = dialog.getByRole('form', { name: 'Edit rule' });
    expect(await form.getByLabel('Name').inputValue()).toBe('Customer data on USB');
    expect(await form.getByLabel('Kind').inputValue()).toBe('content');
    expect(await form.getByLabel('Severity').inputValue()).toBe('critical');
    expect(await form.getByLabel('SOC webhook').isChecked()).toBe(true);

    await form.getByLabel('Name').fill('Bulk blocks per host');
    await form.getByLabel('Kind').selectOption('threshold');
    await form.getByLabel('Events').fill('0');
    await form.getByRole('button', { name: 'Save rule' }).click();
    // The shared schema refuses it in the page, naming the field by its path; nothing was saved.
    await form.getByRole('alert').filter({ hasText: 'params.count' }).waitFor();
    await screenshot(page, suite.screenshotDir, 'alerts-rule-edit-invalid-1280');

    await form.getByLabel('Events').fill('3');
    await form.getByLabel('Severity').selectOption('medium');
    await form.getByLabel('Cooldown (minutes)').fill('30');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await page.getByRole('status').filter({ hasText: 'Rule “Bulk blocks per host” saved.' }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    const edited = rules.getByRole('row', { name: /Bulk blocks per host/ });
    await edited.getByText('≥ 3 “Blocked” events from one host within 5 min').waitFor();

    // After a reload the row comes from the console again: the change was stored, destinations kept.
    await page.reload();
    const stored = page.getByTestId('alert-rules').getByRole('row', { name: /Bulk blocks per host/ });
    await stored.getByText('≥ 3 “Blocked” events from one host within 5 min').waitFor();
    expect(await stored.innerText()).toMatch(/Medium[\s\S]*SOC webhook[\s\S]*30/);
    expect(await page.getByTestId('alert-rules').getByRole('row', { name: /Customer data on USB/ }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('lets an admin edit a destination in a prefilled form: its kind stays, a bad URL is named by its path, the secret is kept', async () => {
    const { context, page, pageErrors } = await openPage(suite.browser, suite.dlpConsole.url);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Alerts' }).click();
    const destinations = page.getByTestId('alert-destinations');
    await destinations.getByRole('row', { name: /SOC webhook/ }).getByRole('button', { name: 'Edit' }).click();

    const dialog = page.getByRole('dialog', { name: 'Edit destination “SOC webhook”' });
    const form = dialog.getByRole('form', { name: 'Edit destination' });
    expect(await form.getByLabel('Name').inputValue()).toBe('SOC webhook');
    expect(await form.getByLabel('URL').inputValue()).toBe(receiverUrl);
    expect(await form.getByLabel('Kind').isDisabled()).toBe(true);

    // Credentials in the URL are refused in the page, by the console's own schema, naming the field.
    await form.getByLabel('URL').fill('http://soc:hunter2@127.0.0.1/dlp-alerts');
    await form.getByRole('button', { name: 'Save destination' }).click();
    await form.getByRole('alert').filter({ hasText: 'config.url' }).waitFor();

    await form.getByLabel('Name').fill('SOC hooks');
    await form.getByLabel('URL').fill(`${receiverUrl}?via=edit`);
    await form.getByRole('button', { name: 'Save destination' }).click();
    await page.getByTestId('test-result').filter({ hasText: 'Destination “SOC hooks” saved.' }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    await screenshot(page, suite.screenshotDir, 'alerts-destination-edited-1280');

    // Stored: after a reload the row comes from the console; a test alert goes to the new URL and is
    // still signed with the secret shown at creation.
    await page.reload();
    const row = page.getByTestId('alert-destinations').getByRole('row', { name: /SOC hooks/ });
    expect(await row.innerText()).toContain(`${receiverUrl}?via=edit`);
    const before = received.length;
    await row.getByRole('button', { name: 'Send test alert' }).click();
    await page.getByTestId('test-result').filter({ hasText: 'Test alert to “SOC hooks” delivered' }).waitFor();
    const delivered = received[before];
    expect(delivered?.url).toBe('/dlp-alerts?via=edit');
    expect(delivered?.headers['x-dlp-signature']).toBe(`sha256=${createHmac('sha256', webhookSecret).update(delivered?.body ?? '').digest('hex')}`);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("lets an admin deliver to an HTTPS receiver under the firm's own CA by pasting that CA into the form", async () => {
    const siem = await startHttpsReceiver('siem.corp.example');
    const url = siem.url;
    try {
      const { context, page, pageErrors } = await openPage(suite.browser, suite.dlpConsole.url);
      await signIn(page, 'admin', ADMIN_PASSWORD);
      await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Alerts' }).click();
      const form = page.getByRole('form', { name: 'New destination' });
      await form.getByLabel('Name').fill('Internal SIEM');
      // A CA is only for https: refused in the page, naming the field.
      await form.getByLabel('URL').fill(url.replace('https:', 'http:'));
      await form.getByLabel('CA certificate (PEM, optional)').fill(siem.caPem);
      await form.getByRole('button', { name: 'Create destination' }).click();
      await form.getByRole('alert').filter({ hasText: 'config.caCertificate' }).waitFor();
      await form.getByLabel('URL').fill(url);
      await form.getByRole('button', { name: 'Create destination' }).click();
      await page.locator('[data-secret]').waitFor();

      const row = page.getByTestId('alert-destinations').getByRole('row', { name: /Internal SIEM/ });
      expect(await row.innerText()).toContain(`${url} · own CA`);
      await row.getByRole('button', { name: 'Send test alert' }).click();
      await page.getByTestId('test-result').filter({ hasText: 'Test alert to “Internal SIEM” delivered' }).waitFor();
      expect(siem.deliveries()).toBe(1);

      // The edit form shows the CA; emptying it falls back to the system's CAs, which do not know it.
      await row.getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit destination “Internal SIEM”' }).getByRole('form', { name: 'Edit destination' });
      expect((await edit.getByLabel('CA certificate (PEM, optional)').inputValue()).trim()).toBe(siem.caPem.trim());
      await edit.getByLabel('CA certificate (PEM, optional)').fill('');
      await edit.getByRole('button', { name: 'Save destination' }).click();
      await page.getByTestId('test-result').filter({ hasText: 'Destination “Internal SIEM” saved.' }).waitFor();
      // The list reloads after the save message: wait for the row to drop the mark, not just read it.
      const saved = page.getByTestId('alert-destinations').getByRole('row', { name: /Internal SIEM/ }).filter({ hasNotText: 'own CA' });
      await saved.waitFor();
      await saved.getByRole('button', { name: 'Send test alert' }).click();
      await page.getByTestId('test-result').filter({ hasText: /Test alert to “Internal SIEM”.*(certificate|failed)/ }).waitFor();
      expect(siem.deliveries()).toBe(1);
      expect(pageErrors).toEqual([]);
      await context.close();
    } finally {
      await siem.close();
    }
  });
});
