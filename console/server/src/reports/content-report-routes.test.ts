import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sampleEvent } from '@dlp/shared';
import type { AgentPeer } from '../testing/agent-peer';
import { connectTestAgent, startTestConsole, type TestConsole } from '../testing/test-console';

/** A resident ID with a valid check character and a mobile number, sent by a broken agent as "samples". */
const RAW_ID = '11010519900307123X';
const RAW_MOBILE = '13912345678';

interface Reply {
  status: number;
  body: { hosts?: unknown[]; users?: unknown[]; error?: string; issues?: Array<{ path: string }> };
}

describe('GET /reports/content/top and raw samples over the real agent channel (SQLite)', () => {
  let t: TestConsole;
  let peer: AgentPeer;

  beforeAll(async () => {
    t = await startTestConsole();
    ({ peer } = await connectTestAgent(t, 1));
    const file = (matches: Record<string, number>, samples: string[]) => ({ kind: 'file', path: '/media/usb/客户.csv', matches, samples, channel: 'removable-media' });
    // Sent as raw JSON: the peer does not parse, so the console's ingest is what masks.
    const ack = await peer.sendEvents([
      { ...sampleEvent({ seq: 1, occurredAt: '2026-05-01T08:00:00.000Z', type: 'content', user: '李娜', host: 'ws-cn-01' }), subject: file({ 'cn-resident-id': 20, 'cn-mobile': 5 }, ['110105********1234', RAW_ID, RAW_MOBILE]) },
      { ...sampleEvent({ seq: 2, occurredAt: '2026-05-01T09:00:00.000Z', type: 'content', user: '李娜', host: 'ws-cn-01' }), subject: file({ email: 3 }, []) },
      sampleEvent({ seq: 3, occurredAt: '2026-05-01T10:00:00.000Z', user: '李娜', host: 'ws-cn-01' }),
    ]);
    expect(ack.upTo).toBe(3);
  });
  afterAll(async () => {
    peer.close();
    await t.stop();
  });

  const get = (query: string): Promise<Reply> => t.admin.json('GET', `/api/v1/reports/content/top?${query}`);

  it('answers hosts and users with events and detected values', async () => {
    const reply = await get('from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      from: '2026-05-01T00:00:00.000Z',
      to: '2026-05-02T00:00:00.000Z',
      hosts: [{ key: 'ws-cn-01', events: 2, values: 28 }],
      users: [{ key: '李娜', events: 2, values: 28 }],
    });
  });

  it('refuses a missing, reversed or too long range and a bad limit, naming the field', async () => {
    for (const [query, field] of [
      ['to=2026-05-02T00:00:00Z', 'from'],
      ['from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z', 'to'],
      ['from=2024-01-01T00:00:00Z&to=2026-05-01T00:00:00Z', 'to'],
      ['from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z&limit=0', 'limit'],
      ['from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z&dimension=host', ''],
    ] as const) {
      const reply = await get(query);
      expect({ query, status: reply.status }).toEqual({ query, status: 400 });
      if (field !== '') expect(reply.body.issues?.map((issue) => issue.path)).toContain(field);
    }
  });

  it('stores masked forms of samples that are not redacted: the raw values are in no reply and no database file', async () => {
    const events = await t.admin.json<{ items: Array<{ subject: { samples?: string[] } }> }>('GET', '/api/v1/events?type=content');
    expect(events.status).toBe(200);
    const samples = events.body.items.flatMap((event) => event.subject.samples ?? []);
    expect(samples).toHaveLength(3);
    expect(samples[0]).toBe('110105********1234');
    const text = JSON.stringify(events.body);
    for (const raw of [RAW_ID, RAW_MOBILE, RAW_ID.slice(0, 12), RAW_MOBILE.slice(0, 9)]) expect(text).not.toContain(raw);
    const files = readdirSync(t.dataDir).filter((name) => name.includes('sqlite'));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const bytes = readFileSync(path.join(t.dataDir, name));
      for (const raw of [RAW_ID, RAW_MOBILE]) expect({ name, found: bytes.includes(Buffer.from(raw)) }).toEqual({ name, found: false });
    }
  });
});
