import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { sampleEvent, type AuditEntry, type Page, type ReportRun, type ReportScheduleView } from '@dlp/shared';
import type { AgentPeer } from '../testing/agent-peer';
import { connectTestAgent, startTestConsole, type TestConsole } from '../testing/test-console';
import { createTestUser } from '../testing/test-users';
import { mimeHeader, mimeParts } from './mime-test-helpers';

const TLS_DIR = path.join(__dirname, '../testing/tls');
const SMTP_USER = 'dlp-reports';
const SMTP_PASSWORD = 'smtp-secret-Kq8vZ2';

interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  secure: boolean;
  user: string | undefined;
}

/** A real SMTP server on a free loopback port that requires AUTH (after STARTTLS when `tls`). */
async function startSmtp(tls: boolean): Promise<{ port: number; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    ...(tls ? { key: readFileSync(path.join(TLS_DIR, 'test-console-key.pem')), cert: readFileSync(path.join(TLS_DIR, 'test-console-cert.pem')) } : { disabledCommands: ['STARTTLS'], allowInsecureAuth: true }),
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const yesterdayAt = (hour: number): string => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1, hour)).toISOString();
};

describe('scheduled reports delivered by SMTP and to a folder', () => {
  let t: TestConsole;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let reportsDir = '';
  const peers: AgentPeer[] = [];

  async function start(tls: boolean): Promise<void> {
    smtp = await startSmtp(tls);
    reportsDir = mkdtempSync(path.join(tmpdir(), 'dlp-reports-'));
    t = await startTestConsole({
      reports: {
        folderRoot: reportsDir,
        smtp: {
          host: '127.0.0.1',
          port: smtp.port,
          secure: false,
          startTls: tls ? 'required' : 'off',
          user: SMTP_USER,
          password: SMTP_PASSWORD,
          from: 'DLP console <dlp@example.test>',
          ...(tls ? { ca: readFileSync(path.join(TLS_DIR, 'test-console-cert.pem'), 'utf8') } : {}),
        },
        runner: { backoffMs: () => 60_000 },
      },
    });
    const { peer } = await connectTestAgent(t, 1);
    peers.push(peer);
    await peer.sendEvents([
        sampleEvent({ seq: 1, occurredAt: yesterdayAt(9), host: 'ws-<b>01</b>', user: '张三' }),
        sampleEvent({ seq: 2, occurredAt: yesterdayAt(10), host: 'ws-<b>01</b>', user: '张三', action: 'would-block' }),
        sampleEvent({ seq: 3, occurredAt: yesterdayAt(11), host: 'ws-02', user: 'bob', type: 'usb', ruleId: null, subject: { kind: 'device', vendorId: '0781', productId: '5581', interfaces: [8] } }),
    ]);
  }

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await t.stop();
    await smtp.close();
    rmSync(reportsDir, { recursive: true, force: true });
  });

  const daily = { name: 'Daily summary', frequency: 'daily', timeOfDay: '00:00', timeZone: 'UTC', language: 'en' } as const;

  it('mails the rendered HTML summary with the CSV attached over STARTTLS with AUTH, and never logs the password', async () => {
    await start(true);
    const created = await t.admin.json<ReportScheduleView>('POST', '/api/v1/report-schedules', { ...daily, delivery: { kind: 'smtp', recipients: ['ciso@example.test', 'audit@example.test'] } });
    expect(created.status).toBe(201);
    const run = await t.admin.json<ReportRun>('POST', `/api/v1/report-schedules/${created.body.schedule.id}/run`, {});
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ status: 'delivered', attempts: 1, eventRows: 3, trigger: 'manual', lastError: null });

    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0];
    if (!mail) throw new Error('no mail');
    expect({ from: mail.from, to: mail.to, secure: mail.secure, user: mail.user }).toEqual({ from: 'dlp@example.test', to: ['ciso@example.test', 'audit@example.test'], secure: true, user: SMTP_USER });
    expect(mimeHeader(mail.raw, 'Subject')).toBe(`DLP event report: Daily summary (${yesterdayAt(0).slice(0, 10)})`);
    const parts = mimeParts(mail.raw);
    const html = parts.find((p) => p.contentType === 'text/html')?.body ?? '';
    expect(html).toContain('Events in the period: 3');
    expect(html).toContain('ws-&lt;b&gt;01&lt;/b&gt;');
    expect(html).toMatch(/<svg [^>]*role="img"/);
    const csv = parts.find((p) => p.contentType === 'text/csv');
    expect(csv?.headers).toMatch(/filename="?report-[0-9a-f-]+-\d{4}-\d{2}-\d{2}-\d+\.csv/);
    expect(csv?.body.startsWith('\uFEFFSection,Key,Action,Count\r\n')).toBe(true);
    expect(csv?.body).toContain('Top users,张三,,2\r\n');
    expect(parts.find((p) => p.contentType === 'text/plain')?.body).toContain('Events in the period: 3');

    expect(JSON.stringify(t.logger.records)).not.toContain(SMTP_PASSWORD);
    const list = await t.admin.json<{ items: ReportScheduleView[] }>('GET', '/api/v1/report-schedules');
    expect(list.body.items[0]).toMatchObject({ lastRun: { status: 'delivered' }, failedAttempts: 0 });
    expect(JSON.stringify(list.body)).not.toContain(SMTP_PASSWORD);
  });

  it('writes the HTML and CSV into the folder in Chinese, counts a failed delivery and audits the settings', async () => {
    await start(false);
    const folder = await t.admin.json<ReportScheduleView>('POST', '/api/v1/report-schedules', { ...daily, name: '每日报告', language: 'zh-CN', delivery: { kind: 'folder', folder: 'daily' } });
    const run = await t.admin.json<ReportRun>('POST', `/api/v1/report-schedules/${folder.body.schedule.id}/run`, {});
    expect(run.body.status).toBe('delivered');
    const files = readdirSync(path.join(reportsDir, 'daily')).sort();
    expect(files.map((f) => path.extname(f))).toEqual(['.csv', '.html']);
    expect(files.some((f) => f.includes('.tmp'))).toBe(false);
    const html = readFileSync(path.join(reportsDir, 'daily', files[1] ?? ''), 'utf8');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('区间内事件数: 3');
    expect(readFileSync(path.join(reportsDir, 'daily', files[0] ?? ''), 'utf8').startsWith('\uFEFF分类,项目,动作,数量')).toBe(true);

    // The mail server goes away: the run is kept for a retry later, and the failure is counted.
    const badAuth = await t.admin.json<ReportScheduleView>('POST', '/api/v1/report-schedules', { ...daily, delivery: { kind: 'smtp', recipients: ['x@example.test'] } });
    await smtp.close();
    const failed = await t.admin.json<ReportRun>('POST', `/api/v1/report-schedules/${badAuth.body.schedule.id}/run`, {});
    expect(failed.body).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(failed.body.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(Date.parse(failed.body.nextAttemptAt ?? '') - Date.now()).toBeGreaterThan(50_000);
    const view = await t.admin.json<{ items: ReportScheduleView[] }>('GET', '/api/v1/report-schedules');
    expect(view.body.items.find((v) => v.schedule.id === badAuth.body.schedule.id)).toMatchObject({ failedAttempts: 1, lastRun: { status: 'retrying' } });

    const auditor = await createTestUser(t, 'auditor');
    expect((await auditor.client.json('GET', `/api/v1/report-schedules/${folder.body.schedule.id}/runs`)).status).toBe(200);
    expect((await auditor.client.json('POST', `/api/v1/report-schedules/${folder.body.schedule.id}/run`, {})).status).toBe(403);
    const audit = await t.admin.json<Page<AuditEntry>>('GET', '/api/v1/audit?action=report_schedule.');
    expect(audit.body.items.map((e) => e.action)).toEqual(['report_schedule.run', 'report_schedule.create', 'report_schedule.run', 'report_schedule.create']);
  });

  it('refuses bad settings with field paths', async () => {
    await start(false);
    const cases: Array<[unknown, string]> = [
      [{ ...daily, frequency: 'weekly', delivery: { kind: 'folder', folder: 'w' } }, 'weekday'],
      [{ ...daily, timeOfDay: '25:00', delivery: { kind: 'folder', folder: 'w' } }, 'timeOfDay'],
      [{ ...daily, timeZone: 'Mars/Base', delivery: { kind: 'folder', folder: 'w' } }, 'timeZone'],
      [{ ...daily, delivery: { kind: 'folder', folder: '../etc' } }, 'delivery.folder'],
      [{ ...daily, delivery: { kind: 'smtp', recipients: ['not an address'] } }, 'delivery.recipients.0'],
      [{ ...daily, delivery: { kind: 'smtp', recipients: [] } }, 'delivery.recipients'],
    ];
    for (const [body, field] of cases) {
      const res = await t.admin.json<{ issues: Array<{ path: string }> }>('POST', '/api/v1/report-schedules', body);
      expect({ field, status: res.status, paths: res.body.issues.map((i) => i.path) }).toEqual({ field, status: 400, paths: [field] });
    }
  });
});
