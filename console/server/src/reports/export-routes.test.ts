import { request } from 'node:http';
import { sampleEvent, type AuditEntry, type Page } from '@dlp/shared';
import type { AgentPeer } from '../testing/agent-peer';
import { parseCsv } from '../testing/csv-parse';
import { connectTestAgent, startTestConsole, type TestConsole } from '../testing/test-console';
import { createTestUser, type TestUser } from '../testing/test-users';

describe('CSV export of event searches', () => {
  let t: TestConsole;
  let auditor: TestUser;
  let agentId = '';
  const peers: AgentPeer[] = [];

  beforeEach(async () => {
    t = await startTestConsole();
    auditor = await createTestUser(t, 'auditor', '审计员');
    const { creds, peer } = await connectTestAgent(t, 1);
    agentId = creds.agentId;
    peers.push(peer);
    await peer.sendEvents([
        sampleEvent({ seq: 1, occurredAt: '2026-05-01T16:30:00.000Z', user: '=cmd|" /C calc"!A0', host: '交易-主机-01' }),
        sampleEvent({
          seq: 2,
          occurredAt: '2026-05-02T01:00:00.000Z',
          type: 'usb',
          ruleId: null,
          user: '张三',
          host: 'ws, "quoted"',
          subject: { kind: 'device', vendorId: '0781', productId: '5581', serial: 'SN\n01', vendorName: 'SanDisk', productName: 'Ultra', interfaces: [8], outcome: 'device-blocked' },
        }),
        // An agent clock far ahead: the console places the event at its arrival, and keeps the agent's time.
        sampleEvent({ seq: 3, occurredAt: '2099-01-01T00:00:00.000Z', host: 'clock-ahead' }),
    ]);
  });
  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await t.stop();
  });

  it('streams UTF-8 with BOM, readable columns, neutralised formulas and the triage state', async () => {
    await t.admin.json('POST', `/api/v1/triage/events/${agentId}/2`, { state: 'escalated' });
    const arrived = Date.now();
    const res = await auditor.client.call('GET', '/api/v1/exports/events.csv?tz=Asia%2FShanghai');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="events-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.toString('utf8').slice(1));
    expect(rows[0]?.slice(0, 13)).toEqual(['Time (UTC)', 'Local time (Asia/Shanghai)', 'Agent clock (UTC)', 'Host', 'User', 'Type', 'Action', 'Severity', 'Rule', 'Subject', 'SHA-256', 'Device', 'Triage state']);
    expect(rows).toHaveLength(4);
    // Newest first by placed time: the event its agent dated 2099 was placed at its arrival (before
    // `arrived`), and the agent's own time is kept beside it.
    const [placed, local, agentClock, host] = rows[1] ?? [];
    expect(host).toBe('clock-ahead');
    expect(agentClock).toBe('2099-01-01T00:00:00.000Z');
    expect(Date.parse(placed ?? '')).toBeLessThanOrEqual(arrived);
    expect(arrived - Date.parse(placed ?? '')).toBeLessThan(10 * 60_000);
    expect(local).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} GMT\+08:00$/);
    // Agents with a right clock: the same time in both columns.
    expect(rows[2]?.slice(0, 13)).toEqual([
      '2026-05-02T01:00:00.000Z',
      '2026-05-02 09:00:00 GMT+08:00',
      '2026-05-02T01:00:00.000Z',
      'ws, "quoted"',
      '张三',
      'usb',
      'blocked',
      'medium',
      '',
      'SanDisk Ultra device-blocked',
      '',
      '0781:5581 SN\n01',
      'escalated',
    ]);
    expect(rows[3]?.slice(0, 5)).toEqual(['2026-05-01T16:30:00.000Z', '2026-05-02 00:30:00 GMT+08:00', '2026-05-01T16:30:00.000Z', '交易-主机-01', `'=cmd|" /C calc"!A0`]);
    expect(rows[3]?.[10]).toBe('a'.repeat(64));
    expect(rows[3]?.[12]).toBe('new');
  });

  it('applies the search and triage filters, headers in Chinese, and audits who exported what', async () => {
    await t.admin.json('POST', `/api/v1/triage/events/${agentId}/1`, { state: 'acknowledged' });
    const text = await (await auditor.client.call('GET', '/api/v1/exports/events.csv?lang=zh-CN&triageState=acknowledged&type=app')).text();
    // Response#text() decodes UTF-8 and drops the BOM (the first test checks the bytes).
    const rows = parseCsv(text);
    expect(rows[0]?.slice(0, 3)).toEqual(['时间 (UTC)', '本地时间 (UTC)', '终端时钟 (UTC)']);
    expect(rows.slice(1).map((r) => r[15])).toEqual(['1']);
    // Coded cells in words too (type, action, severity, triage state): no English in a Chinese export.
    expect([rows[1]?.[5], rows[1]?.[6], rows[1]?.[12]]).toEqual(['应用程序', '已阻止', '已确认']);
    expect(['低', '中', '高', '严重']).toContain(rows[1]?.[7]);
    const none = parseCsv((await (await auditor.client.call('GET', '/api/v1/exports/events.csv?type=usb&triageState=acknowledged')).text()));
    expect(none).toHaveLength(1);

    const audit = await t.admin.json<Page<AuditEntry>>('GET', '/api/v1/audit?action=events.');
    const mine = audit.body.items.filter((e) => e.actor.kind === 'user' && e.actor.username === '审计员');
    expect(mine.map((e) => e.action)).toEqual(['events.export_finished', 'events.export', 'events.export_finished', 'events.export']);
    expect(mine[mine.length - 2]?.after).toEqual({ filters: { lang: 'zh-CN', triageState: 'acknowledged', type: 'app', tz: 'UTC' }, rows: 1, complete: true });
  });

  it('refuses hostile filters with 400 before writing anything', async () => {
    for (const qs of ['tz=Mars%2FOlympus', "type=app' OR 1=1", 'from=yesterday', 'sha256=zz', 'unknown=1', `q=${'x'.repeat(500)}`]) {
      const res = await auditor.client.call('GET', `/api/v1/exports/events.csv?${qs}`);
      expect({ qs, status: res.status }).toEqual({ qs, status: 400 });
    }
  });
  it('cuts a download in progress when its user is disabled, and audits it as cut', async () => {
    // Enough rows that the CSV cannot all sit in the socket buffers of a client that stops reading.
    const { peer } = await connectTestAgent(t, 2);
    peers.push(peer);
    for (let batch = 0; batch < 80; batch++) {
      await peer.sendEvents(Array.from({ length: 500 }, (_, i) => sampleEvent({ seq: batch * 500 + i + 1, occurredAt: '2026-05-03T00:00:00.000Z', host: `host-${i}`, user: `user-${'x'.repeat(200)}` })));
    }
    const url = new URL('/api/v1/exports/events.csv', t.console.url);
    const ended = new Promise<{ bytes: number; aborted: boolean }>((resolve, reject) => {
      const req = request(url, { headers: { cookie: auditor.client.cookie ?? '' } }, (res) => {
        let bytes = 0;
        let aborted = false;
        res.once('data', (chunk: Buffer) => {
          bytes += chunk.length;
          // Stop reading: the console now waits on back-pressure, mid-download.
          res.pause();
          void t.admin.json('PATCH', `/api/v1/users/${auditor.id}`, { disabled: true }).then(() => res.resume());
          res.on('data', (more: Buffer) => void (bytes += more.length));
        });
        res.on('aborted', () => void (aborted = true));
        res.on('error', () => void (aborted = true));
        res.on('close', () => resolve({ bytes, aborted: aborted || !res.complete }));
      });
      req.on('error', reject);
      req.end();
    });
    const result = await ended;
    expect(result.aborted).toBe(true);
    const finished = await waitForAudit(t, 'events.export_finished');
    expect(finished.after).toMatchObject({ complete: false, cutBy: 'revoked' });
    expect((finished.after as { rows: number }).rows).toBeLessThan(40_000);
  });
});

/** The newest audit entry of `action`, once it exists (the export audits after its last byte). */
async function waitForAudit(t: TestConsole, action: string): Promise<AuditEntry> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const page = await t.admin.json<Page<AuditEntry>>('GET', `/api/v1/audit?action=${action}`);
    const entry = page.body.items[0];
    if (entry) return entry;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${action} audit entry`);
}
