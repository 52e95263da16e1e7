import { sampleEvent, triagedEvent, type AgentEvent, type AuditEntry, type Page, type TriageDetail, type TriagedEvent } from '@dlp/shared';
import type { AgentPeer } from '../testing/agent-peer';
import { connectTestAgent, startTestConsole, type TestConsole } from '../testing/test-console';
import { createTestUser, type TestUser } from '../testing/test-users';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

function proc(seq: number, sha256: string, exePath = '/usr/bin/tool'): AgentEvent {
  return sampleEvent({
    seq,
    occurredAt: new Date(Date.UTC(2026, 4, 1, 8, 0, seq)).toISOString(),
    subject: { kind: 'process', pid: 1, exePath, name: 'tool', sha256, method: 'proc-scan' },
  });
}

describe('triage REST API', () => {
  let t: TestConsole;
  let officer: TestUser;
  let auditor: TestUser;
  let agent: { agentId: string; token: string };
  const peers: AgentPeer[] = [];

  beforeEach(async () => {
    t = await startTestConsole();
    officer = await createTestUser(t, 'officer', '王officer');
    auditor = await createTestUser(t, 'auditor');
    const connected = await connectTestAgent(t, 1);
    agent = connected.creds;
    peers.push(connected.peer);
    // Events 1, 2 and 4 are the same program (same hash, even renamed); 3 is another one.
    await connected.peer.sendEvents([proc(1, SHA_A), proc(2, SHA_A, '/tmp/renamed'), proc(3, SHA_B), proc(4, SHA_A)]);
  });
  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await t.stop();
  });

  const states = (page: Page<TriagedEvent>): string[] => page.items.map((item) => `${item.event.seq}:${item.triage.state}`);
  const search = (qs = ''): Promise<{ status: number; body: Page<TriagedEvent> }> => auditor.client.json('GET', `/api/v1/triage/events${qs}`);

  it('lists events with their state, sets a group state for identical events, and filters by state', async () => {
    expect(states((await search()).body)).toEqual(['4:new', '3:new', '2:new', '1:new']);

    const grouped = await officer.client.json<TriageDetail>('POST', `/api/v1/triage/events/${agent.agentId}/1`, { scope: 'group', state: 'false-positive', note: '测试工具，已确认' });
    expect(grouped.status).toBe(200);
    expect(grouped.body.effective).toMatchObject({ state: 'false-positive', scope: 'group', updatedBy: '王officer' });
    const single = await officer.client.json<TriageDetail>('POST', `/api/v1/triage/events/${agent.agentId}/2`, { state: 'escalated' });
    expect(single.body.effective).toMatchObject({ state: 'escalated', scope: 'event' });

    const all = (await search()).body;
    expect(states(all)).toEqual(['4:false-positive', '3:new', '2:escalated', '1:false-positive']);
    for (const item of all.items) expect(triagedEvent.safeParse(item).success).toBe(true);
    expect(states((await search('?triageState=false-positive')).body)).toEqual(['4:false-positive', '1:false-positive']);
    expect(states((await search('?triageState=new&type=app')).body)).toEqual(['3:new']);
    // A later event of the same program arrives already triaged by its group.
    await peers[0]?.sendEvents([proc(5, SHA_A, '/home/x/tool')]);
    expect(states((await search('?triageState=false-positive&limit=1')).body)).toEqual(['5:false-positive']);
  });

  it('pages a state filter with a cursor', async () => {
    await officer.client.json('POST', `/api/v1/triage/events/${agent.agentId}/1`, { scope: 'group', state: 'acknowledged' });
    const first = (await search('?triageState=acknowledged&limit=2')).body;
    expect(states(first)).toEqual(['4:acknowledged', '2:acknowledged']);
    expect(first.nextCursor).not.toBeNull();
    const second = (await search(`?triageState=acknowledged&limit=2&cursor=${first.nextCursor ?? ''}`)).body;
    expect(states(second)).toEqual(['1:acknowledged']);
    expect(second.nextCursor).toBeNull();
  });

  it('keeps notes and changes as history, and writes each change to the audit log', async () => {
    const url = `/api/v1/triage/events/${agent.agentId}/3`;
    await officer.client.json('POST', url, { state: 'acknowledged' });
    await officer.client.json('POST', url, { note: '已联系员工 <b>本人</b>' });
    await t.admin.json('POST', url, { state: 'escalated', note: 'to CISO' });
    const detail = await auditor.client.json<TriageDetail>('GET', url);
    expect(detail.status).toBe(200);
    expect(detail.body.event).toMatchObject({ state: 'escalated', updatedBy: 'admin' });
    expect(detail.body.group).toBeNull();
    expect(detail.body.history.map((h) => [h.actor.username, h.state, h.previousState, h.note])).toEqual([
      ['王officer', 'acknowledged', null, null],
      ['王officer', null, 'acknowledged', '已联系员工 <b>本人</b>'],
      ['admin', 'escalated', 'acknowledged', 'to CISO'],
    ]);

    const audit = await t.admin.json<Page<AuditEntry>>('GET', '/api/v1/audit?action=triage.');
    expect(audit.body.items.map((e) => [e.action, e.actor.kind === 'user' ? e.actor.username : '', e.target?.id])).toEqual([
      ['triage.set_state', 'admin', `${agent.agentId}/3`],
      ['triage.note', '王officer', `${agent.agentId}/3`],
      ['triage.set_state', '王officer', `${agent.agentId}/3`],
    ]);
    expect(audit.body.items[0]?.before).toEqual({ state: 'acknowledged' });
  });

  it('lets auditors read but not triage, and rejects bad input with field paths', async () => {
    const url = `/api/v1/triage/events/${agent.agentId}/1`;
    expect((await auditor.client.json('POST', url, { state: 'acknowledged' })).status).toBe(403);
    expect((await auditor.client.json('GET', url)).status).toBe(200);

    const empty = await officer.client.json<{ error: string; issues: Array<{ path: string }> }>('POST', url, { scope: 'event' });
    expect(empty.status).toBe(400);
    expect(empty.body.issues.map((i) => i.path)).toContain('state');
    const badState = await officer.client.json<{ issues: Array<{ path: string }> }>('POST', url, { state: 'closed' });
    expect(badState.body.issues.map((i) => i.path)).toEqual(['state']);
    expect((await officer.client.json('POST', url, { note: 'x'.repeat(2001) })).status).toBe(400);
    expect((await officer.client.json('POST', `/api/v1/triage/events/${agent.agentId}/999`, { state: 'acknowledged' })).status).toBe(404);
    expect((await officer.client.json('GET', `/api/v1/triage/events/not-an-id/1`)).status).toBe(400);
    expect((await search("?triageState=new' OR 1=1--")).status).toBe(400);
    expect((await search('?from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z')).status).toBe(400);
  });
});
