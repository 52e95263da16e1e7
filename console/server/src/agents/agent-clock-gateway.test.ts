import { PROTOCOL_VERSION, sampleEvent, type AgentEvent, type AgentSummary, type FiredAlert, type StoredEvent } from '@dlp/shared';
import { AgentPeer, enrollAgent, TEST_AGENT_INFO } from '../testing/agent-peer';
import { createEnrollSecret, startTestConsole, type TestConsole } from '../testing/test-console';
import { waitFor } from '../testing/wait-for';

/** Integration: a real console, agents with wrong clocks on real sockets (AgentPeer), REST reads. */

const DAY_MS = 24 * 3_600_000;

/** An enrolled agent whose clock is `skewMs` off the console's: hello carries its clock. */
async function skewedAgent(t: TestConsole, skewMs: number, hostname: string): Promise<{ agentId: string; peer: AgentPeer }> {
  const info = { ...TEST_AGENT_INFO, hostname };
  const creds = await enrollAgent(t.console.agentUrl, await createEnrollSecret(t.admin), info);
  const peer = await AgentPeer.connect(t.console.agentUrl);
  peer.send({ v: PROTOCOL_VERSION, type: 'hello', agentId: creds.agentId, token: creds.token, agent: info, policySerial: null, sentAt: new Date(Date.now() + skewMs).toISOString() });
  await peer.next('welcome');
  return { agentId: creds.agentId, peer };
}

/** 30 events over the agent's last 10 s (by its own clock), seqs from `firstSeq`. */
function burst(skewMs: number, host: string, firstSeq: number): AgentEvent[] {
  const agentNow = Date.now() + skewMs;
  return Array.from({ length: 30 }, (_, i) => sampleEvent({ seq: firstSeq + i, host, occurredAt: new Date(agentNow - 10_000 + i * 333).toISOString() }));
}

async function search(t: TestConsole, query: string): Promise<StoredEvent[]> {
  const res = await t.admin.json<{ items: StoredEvent[] }>('GET', `/api/v1/events?${query}`);
  expect(res.status).toBe(200);
  return res.body.items;
}

describe('agent clocks: skew is measured, shown, corrected and alerted on', () => {
  let t: TestConsole;
  const peers: AgentPeer[] = [];

  beforeEach(async () => {
    t = await startTestConsole({ alerts: { scanIntervalMs: 100 } });
  });

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await t.stop();
  });

  it('a day ahead and a day behind: a last-hour search finds all 60, the daily report puts the burst on the right day, skew is shown and alerted', async () => {
    const rule = await t.admin.json<{ id: string }>('POST', '/api/v1/alerts/rules', { name: 'clock off', params: { kind: 'clock-skew' } });
    expect(rule.status).toBe(201);
    const ahead = await skewedAgent(t, DAY_MS, 'ws-ahead');
    const behind = await skewedAgent(t, -DAY_MS, 'ws-behind');
    const onTime = await skewedAgent(t, 0, 'ws-on-time');
    peers.push(ahead.peer, behind.peer, onTime.peer);
    const before = Date.now();
    expect((await ahead.peer.sendEvents(burst(DAY_MS, 'ws-ahead', 1))).upTo).toBe(30);
    expect((await behind.peer.sendEvents(burst(-DAY_MS, 'ws-behind', 1))).upTo).toBe(30);
    const after = Date.now();

    const from = new Date(after - 3_600_000).toISOString();
    const to = new Date(after + 60_000).toISOString();
    const lastHour = await search(t, `from=${from}&to=${to}&limit=200`);
    expect(lastHour).toHaveLength(60);
    for (const event of lastHour) {
      // Both times are kept: the agent's own (a day off) and where the console placed it.
      const placed = Date.parse(event.placedAt ?? '');
      expect(placed).toBeGreaterThanOrEqual(before - 15_000);
      expect(placed).toBeLessThanOrEqual(after + 5000);
      const skew = event.host === 'ws-ahead' ? DAY_MS : -DAY_MS;
      expect(Math.abs(Date.parse(event.occurredAt) - skew - placed)).toBeLessThan(5000);
      expect(Date.parse(event.receivedAt)).toBeGreaterThanOrEqual(before - 1000);
    }

    // Daily counts (hourly roll-up) over three days: the whole burst on the day(s) it really happened.
    const days = await t.admin.json<{ rows: Array<{ start: string; count: number }> }>(
      'GET',
      `/api/v1/reports/events/counts?from=${new Date(after - 2 * DAY_MS).toISOString()}&to=${new Date(after + 2 * DAY_MS).toISOString()}&bucket=day`,
    );
    expect(days.status).toBe(200);
    expect(days.body.rows.reduce((n, r) => n + r.count, 0)).toBe(60);
    const realDays = new Set([before - 15_000, after].map((ms) => new Date(ms - (ms % DAY_MS)).toISOString()));
    for (const row of days.body.rows) expect(realDays).toContain(row.start);

    // Top users from the daily roll-up: whole UTC days, counted on the real day.
    const top = await t.admin.json<{ items: Array<{ key: string; count: number }> }>(
      'GET',
      `/api/v1/reports/events/top?dimension=host&from=${new Date(after - 3 * DAY_MS - (after % DAY_MS)).toISOString()}&to=${new Date(after + 3 * DAY_MS - (after % DAY_MS)).toISOString()}`,
    );
    expect(top.body.items).toEqual(expect.arrayContaining([{ key: 'ws-ahead', count: 30 }, { key: 'ws-behind', count: 30 }]));

    // The skew is stored and shown on each agent.
    const shown = async (agentId: string): Promise<AgentSummary> => (await t.admin.json<{ agent: AgentSummary }>('GET', `/api/v1/agents/${agentId}`)).body.agent;
    expect(Math.abs((await shown(ahead.agentId)).clock?.offsetMs ?? 0) - DAY_MS).toBeLessThan(5000);
    expect(Math.abs(((await shown(behind.agentId)).clock?.offsetMs ?? 0) + DAY_MS)).toBeLessThan(5000);
    expect(Math.abs((await shown(onTime.agentId)).clock?.offsetMs ?? Number.NaN)).toBeLessThan(5000);

    // Skew beyond the default 5 min alerts, once per skewed agent; the agent on time does not.
    const alerts = await waitFor('two clock-skew alerts', async () => {
      const res = await t.admin.json<{ items: FiredAlert[] }>('GET', '/api/v1/alerts?kind=clock-skew');
      return res.body.items.length >= 2 && res.body.items;
    });
    expect(alerts.map((a) => a.entity.id).sort()).toEqual([ahead.agentId, behind.agentId].sort());
    expect(alerts.every((a) => a.state === 'open' && a.ruleId === rule.body.id)).toBe(true);

    // The agent's clock is set right: its next heartbeat resets the offset, and the alert resolves.
    ahead.peer.send({ v: PROTOCOL_VERSION, type: 'heartbeat', sentAt: new Date().toISOString() });
    await ahead.peer.next('heartbeat');
    expect(Math.abs((await shown(ahead.agentId)).clock?.offsetMs ?? Number.NaN)).toBeLessThan(5000);
    await waitFor('the ahead agent’s alert resolved', async () => {
      const res = await t.admin.json<{ items: FiredAlert[] }>('GET', '/api/v1/alerts?kind=clock-skew&state=resolved');
      return res.body.items.some((a) => a.entity.id === ahead.agentId);
    });
  });

  it('an event dated 2099 is placed at its receive time and never tops the newest-first list', async () => {
    const agent = await skewedAgent(t, 0, 'ws-2099');
    peers.push(agent.peer);
    const future = sampleEvent({ seq: 1, host: 'ws-2099', occurredAt: '2099-01-01T00:00:00.000Z' });
    expect((await agent.peer.sendEvents([future])).upTo).toBe(1);
    const later = [2, 3].map((seq) => sampleEvent({ seq, host: 'ws-2099' }));
    expect((await agent.peer.sendEvents(later)).upTo).toBe(3);

    const newest = await search(t, 'limit=10');
    expect(newest.map((e) => e.seq)).toEqual([3, 2, 1]);
    const stored = newest[2];
    expect(stored?.occurredAt).toBe('2099-01-01T00:00:00.000Z');
    expect(stored?.placedAt).toBe(stored?.receivedAt);
    // Not even a search reaching far into the future shows it there.
    expect(await search(t, 'from=2098-01-01T00:00:00.000Z&to=2100-01-01T00:00:00.000Z')).toEqual([]);
  });
});
