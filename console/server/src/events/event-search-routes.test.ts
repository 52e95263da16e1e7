import { sampleEvent, type AgentEvent } from '@dlp/shared';
import type { AgentPeer } from '../testing/agent-peer';
import { connectTestAgent, startTestConsole, type TestConsole } from '../testing/test-console';

interface Reply {
  status: number;
  body: { items?: Array<{ seq: number }>; error?: string; issues?: Array<{ path: string }>; rows?: unknown[] };
}

describe('event search and report routes: filters, reports and hostile input', () => {
  let t: TestConsole;
  let peer: AgentPeer;

  beforeAll(async () => {
    t = await startTestConsole();
    ({ peer } = await connectTestAgent(t, 1));
    const events: AgentEvent[] = [
      sampleEvent({ seq: 1, occurredAt: '2026-05-01T08:00:00.000Z', user: '李娜', host: 'ws-cn-01' }),
      sampleEvent({ seq: 2, occurredAt: '2026-05-01T09:00:00.000Z', type: 'usb', ruleId: 'usb-deny', subject: { kind: 'device', vendorId: '0781', productId: '5567', serial: 'SN1', interfaces: [] } }),
      sampleEvent({ seq: 3, occurredAt: '2026-05-02T17:00:00.000Z', action: 'would-block' }),
    ];
    await peer.sendEvents(events);
  });
  afterAll(async () => {
    peer.close();
    await t.stop();
  });

  const get = (path: string): Promise<Reply> => t.admin.json('GET', path);
  const seqs = async (qs: string): Promise<number[]> => {
    const res = await get(`/api/v1/events?${qs}`);
    expect(res.status).toBe(200);
    return (res.body.items ?? []).map((e) => e.seq);
  };

  it('filters by user, host, device, rule and free text through the REST query', async () => {
    expect(await seqs('')).toEqual([3, 2, 1]);
    expect(await seqs(`user=${encodeURIComponent('李娜')}`)).toEqual([1]);
    expect(await seqs('host=ws-cn-01')).toEqual([1]);
    expect(await seqs('device=0781:5567')).toEqual([2]);
    expect(await seqs('device=0781:5567:SN1&ruleId=usb-deny')).toEqual([2]);
    expect(await seqs(`q=${encodeURIComponent('/TMP/')}`)).toEqual([3, 1]);
  });

  it('answers SQL fragments and wildcards with an empty result, never a database error', async () => {
    const values = ["' OR '1'='1", "1; DROP TABLE events; --", "ws-001' --", '%', '_', '%%%_', "\\' OR 1=1", 'a%25b'];
    for (const value of values) {
      for (const field of ['q', 'user', 'host', 'deviceSerial']) expect(await seqs(`${field}=${encodeURIComponent(value)}`)).toEqual([]);
    }
    expect(await seqs('')).toEqual([3, 2, 1]);
  });

  it('refuses invalid filters with 400 and the field path', async () => {
    const cases: Array<[string, string]> = [
      ['/api/v1/events?from=2026-02-30T00:00:00Z', 'from'],
      ['/api/v1/events?from=2026-13-01T00:00:00Z', 'from'],
      ['/api/v1/events?to=not-a-date', 'to'],
      ['/api/v1/events?from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z', 'to'],
      ['/api/v1/events?from=2026-05-01T00:00:00Z&to=2026-05-01T00:00:00Z', 'to'],
      ['/api/v1/events?limit=-1', 'limit'],
      ['/api/v1/events?limit=1e9', 'limit'],
      ['/api/v1/events?limit=1.5', 'limit'],
      ['/api/v1/events?type=app&type=usb', 'type'],
      ['/api/v1/events?severity=extreme', 'severity'],
      ['/api/v1/events?sha256=ABC', 'sha256'],
      ['/api/v1/events?device=0781', 'device'],
      ['/api/v1/events?device=0781:5567:%00', 'device'],
      ['/api/v1/events?ruleId=%27%20OR%201%3D1', 'ruleId'],
      ['/api/v1/events?groupId=a%27b', 'groupId'],
      [`/api/v1/events?q=${'x'.repeat(10_000)}`, 'q'],
      [`/api/v1/events?user=${'x'.repeat(10_000)}`, 'user'],
      ['/api/v1/events?q=%0a', 'q'],
      ['/api/v1/events?q=', 'q'],
      ['/api/v1/events?user[$ne]=x', '(root)'],
      ['/api/v1/events?orderBy=json', '(root)'],
      ['/api/v1/events?cursor=YWJjLmRlZg', 'cursor'],
      ['/api/v1/events?cursor=LTEuLTE', 'cursor'],
      ['/api/v1/reports/events/counts?from=2026-05-01T00:00:00Z', 'to'],
      ['/api/v1/reports/events/counts?from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z&tz=Asia/Shanghai', 'tz'],
      ['/api/v1/reports/events/counts?from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z&tz=%2B15:00', 'tz'],
      ['/api/v1/reports/events/counts?from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z&bucket=minute', 'bucket'],
      ['/api/v1/reports/events/counts?from=2026-01-01T00:00:00Z&to=2026-05-01T00:00:00Z&bucket=hour', 'to'],
      ['/api/v1/reports/events/counts?from=0001-01-01T00:00:00Z&to=9999-01-01T00:00:00Z', 'to'],
      ['/api/v1/reports/events/top?dimension=json&from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z', 'dimension'],
      ['/api/v1/reports/events/top?dimension=user&from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z&limit=1000', 'limit'],
      ['/api/v1/reports/events/week-over-week?to=yesterday', 'to'],
      ['/api/v1/reports/events/entity?dimension=app&key=x&from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z', 'dimension'],
    ];
    for (const [path, field] of cases) {
      const res = await get(path);
      expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 400, error: 'invalid_request' });
      expect([path, res.body.issues?.map((i) => i.path)]).toEqual([path, expect.arrayContaining([field])]);
    }
  });

  it('turns a 100 KB query string away before it reaches a handler, and keeps serving', async () => {
    const res = await fetch(`${t.console.url}/api/v1/events?q=${'x'.repeat(100_000)}`, { headers: { cookie: t.admin.cookie ?? '' } });
    expect([400, 414, 431]).toContain(res.status);
    expect(await seqs('')).toEqual([3, 2, 1]);
  });

  it('serves counts, top N, week over week and entity history to readers', async () => {
    const range = 'from=2026-05-01T00:00:00Z&to=2026-05-03T00:00:00Z';
    const counts = await get(`/api/v1/reports/events/counts?${range}&tz=%2B08:00`);
    expect(counts.status).toBe(200);
    // +08:00: 2026-05-02T17:00Z is already 3 May in Shanghai.
    expect(counts.body.rows).toEqual([
      { start: '2026-04-30T16:00:00.000Z', type: 'app', action: 'blocked', count: 1 },
      { start: '2026-04-30T16:00:00.000Z', type: 'usb', action: 'blocked', count: 1 },
      { start: '2026-05-02T16:00:00.000Z', type: 'app', action: 'would-block', count: 1 },
    ]);
    expect((await get(`/api/v1/reports/events/top?dimension=user&${range}`)).body).toMatchObject({ items: [{ key: 'alice', count: 2 }, { key: '李娜', count: 1 }] });
    expect((await get('/api/v1/reports/events/week-over-week?to=2026-05-03T00:00:00Z')).status).toBe(200);
    const device = await get(`/api/v1/reports/events/entity?dimension=device&key=0781:5567:SN1&${range}`);
    expect(device.body).toMatchObject({ related: [{ key: 'ws-001', count: 1 }], rows: [{ start: '2026-05-01T00:00:00.000Z', type: 'usb', action: 'blocked', count: 1 }] });
  });
});
