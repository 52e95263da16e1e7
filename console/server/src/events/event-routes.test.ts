import { sampleEvent, storedEvent, type AgentEvent, type AgentSummary, type Page, type StoredEvent } from '@dlp/shared';
import { z } from 'zod';
import { enrollAgent, helloAgent, type AgentPeer } from '../testing/agent-peer';
import { createEnrollSecret, startTestConsole, type TestConsole } from '../testing/test-console';

describe('events and agents REST API', () => {
  let t: TestConsole;
  let agentA: { agentId: string; token: string };
  let agentB: { agentId: string; token: string };
  const peers: AgentPeer[] = [];

  beforeEach(async () => {
    t = await startTestConsole();
    const secret = await createEnrollSecret(t.admin);
    agentA = await enrollAgent(t.console.agentUrl, secret);
    agentB = await enrollAgent(t.console.agentUrl, secret);
  });
  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await t.stop();
  });

  async function ingest(creds: { agentId: string; token: string }, events: AgentEvent[]): Promise<AgentPeer> {
    const peer = await helloAgent(t.console.agentUrl, creds, 1);
    peers.push(peer);
    await peer.sendEvents(events);
    return peer;
  }

  async function query(qs: string): Promise<{ status: number; body: Page<StoredEvent> & { error?: string; issues?: Array<{ path: string }> } }> {
    return t.admin.json('GET', `/api/v1/events${qs}`);
  }

  it('filters by time range, agent, type, action and severity', async () => {
    await ingest(agentA, [
      sampleEvent({ seq: 1, type: 'usb', action: 'blocked', severity: 'high', occurredAt: '2026-05-01T08:00:00.000Z' }),
      sampleEvent({ seq: 2, type: 'app', action: 'would-block', severity: 'low', occurredAt: '2026-05-02T08:00:00.000Z' }),
    ]);
    await ingest(agentB, [sampleEvent({ seq: 1, type: 'app', action: 'blocked', severity: 'high', occurredAt: '2026-05-03T08:00:00.000Z' })]);

    const describeItems = (items: StoredEvent[]): string[] => items.map((e) => `${e.agentId === agentA.agentId ? 'A' : 'B'}${e.seq}`);
    expect(describeItems((await query('')).body.items)).toEqual(['B1', 'A2', 'A1']);
    expect(describeItems((await query(`?agentId=${agentA.agentId}`)).body.items)).toEqual(['A2', 'A1']);
    expect(describeItems((await query('?type=app')).body.items)).toEqual(['B1', 'A2']);
    expect(describeItems((await query('?action=blocked&severity=high')).body.items)).toEqual(['B1', 'A1']);
    expect(describeItems((await query('?from=2026-05-02T00:00:00.000Z&to=2026-05-03T08:00:00.000Z')).body.items)).toEqual(['A2']);
    for (const item of (await query('')).body.items) expect(storedEvent.safeParse(item).success).toBe(true);
  });

  it('pages with an opaque cursor until nextCursor is null', async () => {
    await ingest(agentA, Array.from({ length: 7 }, (_, i) => sampleEvent({ seq: i + 1 })));
    const seen: number[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null && pages < 10) {
      const res = await query(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((e) => e.seq));
      cursor = res.body.nextCursor;
      pages += 1;
    }
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(pages).toBe(3);
  });

  it('answers an invalid query with 400 and the field paths', async () => {
    const cases: Array<[string, string]> = [
      ['?limit=0', 'limit'],
      ['?limit=5000', 'limit'],
      ['?type=printer', 'type'],
      ['?from=yesterday', 'from'],
      ['?agentId=42', 'agentId'],
      ['?cursor=!!', 'cursor'],
      ['?cursor=bm90LWEtbnVtYmVy', 'cursor'],
      ['?colour=red', '(root)'],
    ];
    for (const [qs, path] of cases) {
      const res = await query(qs);
      expect({ qs, status: res.status, error: res.body.error }).toEqual({ qs, status: 400, error: 'invalid_request' });
      expect(res.body.issues?.map((i) => i.path)).toContain(path);
    }
  });

  it('streams each committed batch to Server-Sent Events subscribers', async () => {
    const controller = new AbortController();
    const res = await fetch(`${t.console.url}/api/v1/events/stream`, { headers: { cookie: t.admin.cookie ?? '' }, signal: controller.signal });
    try {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = res.body?.getReader();
      if (!reader) throw new Error('no body');
      const decoder = new TextDecoder();
      let text = '';
      // The stream is open once its first comment arrived; only then can a batch be missed or seen.
      while (!text.includes(': connected')) text += decoder.decode((await reader.read()).value, { stream: true });

      await ingest(agentA, [sampleEvent({ seq: 1 }), sampleEvent({ seq: 2 })]);
      while (!/event: events\ndata: .*\n\n/.test(text)) {
        const chunk = await reader.read();
        if (chunk.done) throw new Error(`stream ended: ${text}`);
        text += decoder.decode(chunk.value, { stream: true });
      }
      const data = /event: events\ndata: (.*)\n\n/.exec(text)?.[1] ?? '[]';
      const batch = z.array(storedEvent).parse(JSON.parse(data));
      expect(batch.map((e) => [e.agentId, e.seq])).toEqual([
        [agentA.agentId, 1],
        [agentA.agentId, 2],
      ]);
    } finally {
      controller.abort();
    }
  });

  it('lists agents with an online filter and cursor pages', async () => {
    const peer = await helloAgent(t.console.agentUrl, agentB, 1);
    peers.push(peer);
    const all = await t.admin.json<Page<AgentSummary>>('GET', '/api/v1/agents?limit=1');
    expect(all.body.items.map((a) => a.id)).toEqual([agentA.agentId]);
    expect(all.body.nextCursor).not.toBeNull();
    const next = await t.admin.json<Page<AgentSummary>>('GET', `/api/v1/agents?limit=1&cursor=${all.body.nextCursor ?? ''}`);
    expect(next.body).toEqual({ items: [expect.objectContaining({ id: agentB.agentId, online: true })], nextCursor: null });
    const online = await t.admin.json<Page<AgentSummary>>('GET', '/api/v1/agents?online=true');
    expect(online.body.items.map((a) => a.id)).toEqual([agentB.agentId]);
    const offline = await t.admin.json<Page<AgentSummary>>('GET', '/api/v1/agents?online=false');
    expect(offline.body.items.map((a) => a.id)).toEqual([agentA.agentId]);
    expect((await t.admin.json('GET', '/api/v1/agents?online=maybe')).status).toBe(400);
    expect((await t.admin.json('GET', '/api/v1/agents/01900000-0000-7000-8000-000000000000')).status).toBe(404);
  });
});

describe('live event stream keep-alive', () => {
  let t: TestConsole;
  beforeEach(async () => {
    t = await startTestConsole({ sseHeartbeatMs: 50 });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('sends comment heartbeats so idle connections stay open', async () => {
    const controller = new AbortController();
    const res = await fetch(`${t.console.url}/api/v1/events/stream`, { headers: { cookie: t.admin.cookie ?? '' }, signal: controller.signal });
    try {
      const reader = res.body?.getReader();
      if (!reader) throw new Error('no body');
      const decoder = new TextDecoder();
      let text = '';
      while (!text.includes(': heartbeat\n\n')) {
        const chunk = await reader.read();
        if (chunk.done) throw new Error(`stream ended: ${text}`);
        text += decoder.decode(chunk.value, { stream: true });
      }
      expect(text).not.toContain('event: events');
    } finally {
      controller.abort();
    }
  });
});
