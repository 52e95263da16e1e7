import { sampleEvent, TRIAGE_BULK_MAX, triageBulkResult, triagedEventPage, triageCount, type AuditEntry, type Page, type TriageDetail, type TriagedEvent } from '@dlp/shared';
import type { AgentPeer } from '../testing/agent-peer';
import { connectTestAgent, type TestConsole } from '../testing/test-console';
import { createTestUser, type TestUser } from '../testing/test-users';

interface Reply<T = unknown> {
  status: number;
  body: T & { error?: string; issues?: Array<{ path: string; message: string }> };
}

const at = (minute: number) => new Date(Date.UTC(2026, 4, 1, 8, minute)).toISOString();

/**
 * Search & triage at scale (issue 17 item 3), run against one database engine: each search item's
 * context (the group its agent was in when the event arrived, the policy version behind its serial),
 * the bounded count (exact, or "at least" when it stops at `max`), and bulk triage (one audited,
 * all-or-nothing call with validation, a cap on ids and the triage role).
 */
export function describeTriageListRoutes(engine: string, start: () => Promise<TestConsole>, stop: (t: TestConsole) => Promise<void>): void {
  describe(`Search & triage lists (${engine})`, () => {
    let t: TestConsole;
    let officer: TestUser;
    let auditor: TestUser;
    let agentId: string;
    let peer: AgentPeer;
    let serials: { v1: number; v2: number };
    let policyId: string;
    let tradingGroup: string;

    beforeEach(async () => {
      t = await start();
      officer = await createTestUser(t, 'officer', '王officer');
      auditor = await createTestUser(t, 'auditor');
      const created = await t.admin.json<{ policy: { id: string; serial: number } }>('POST', '/api/v1/policies', { document: { schema: 'dlp.policy/v1', name: '交易大厅 Trading floor', mode: 'enforce' } });
      expect(created.status).toBe(201);
      policyId = created.body.policy.id;
      const second = await t.admin.json<{ policy: { serial: number; version: number } }>('PUT', `/api/v1/policies/${policyId}`, { document: { schema: 'dlp.policy/v1', name: '交易大厅 Trading floor', mode: 'monitor' } });
      expect(second.body.policy.version).toBe(2);
      serials = { v1: created.body.policy.serial, v2: second.body.policy.serial };

      const connected = await connectTestAgent(t, 1);
      agentId = connected.creds.agentId;
      peer = connected.peer;
      // Events 1–4 arrive while the agent is in the built-in group; 5 after it moved to "Trading".
      await peer.sendEvents([
        sampleEvent({ seq: 1, occurredAt: at(1), policySerial: serials.v1 }),
        sampleEvent({ seq: 2, occurredAt: at(2), policySerial: serials.v2, ruleId: 'usb-deny', type: 'usb', subject: { kind: 'device', vendorId: '0781', productId: '5567', serial: 'SN1', interfaces: [] } }),
        sampleEvent({ seq: 3, occurredAt: at(3), policySerial: null }),
        sampleEvent({ seq: 4, occurredAt: at(4), policySerial: 987_654 }),
      ]);
      const group = await t.admin.json<{ group: { id: string } }>('POST', '/api/v1/groups', { name: 'Trading' });
      tradingGroup = group.body.group.id;
      expect((await t.admin.json('PUT', `/api/v1/agents/${agentId}/group`, { groupId: tradingGroup })).status).toBe(200);
      await peer.sendEvents([sampleEvent({ seq: 5, occurredAt: at(5), policySerial: serials.v2 })]);
    });
    afterEach(async () => {
      peer.close();
      await stop(t);
    });

    const search = async (qs = ''): Promise<TriagedEvent[]> => {
      const res = await auditor.client.json<Page<TriagedEvent>>('GET', `/api/v1/triage/events${qs}`);
      expect(res.status).toBe(200);
      return triagedEventPage.parse(res.body).items;
    };
    const count = async (qs: string): Promise<{ count: number; exact: boolean }> => {
      const res = await auditor.client.json('GET', `/api/v1/triage/events/count${qs}`);
      expect([qs, res.status]).toEqual([qs, 200]);
      return triageCount.parse(res.body);
    };
    const bulk = (body: unknown, client = officer.client): Promise<Reply> => client.json('POST', '/api/v1/triage/events/bulk', body);
    const refs = (...seqs: number[]) => seqs.map((seq) => ({ agentId, seq }));
    const states = async (qs = '') => (await search(qs)).map((item) => `${item.event.seq}:${item.triage.state}`);

    it('gives each event the group it arrived in and the policy name and version behind its serial', async () => {
      const groups = await t.admin.json<{ items: Array<{ id: string; name: string; builtIn: boolean }> }>('GET', '/api/v1/groups');
      const builtIn = groups.body.items.find((group) => group.builtIn);
      expect(builtIn).toBeDefined();
      const bySeq = new Map((await search()).map((item) => [item.event.seq, item.context]));
      const policy = (version: number, serial: number) => ({ id: policyId, name: '交易大厅 Trading floor', version, serial });
      expect(bySeq.get(5)).toEqual({ group: { id: tradingGroup, name: 'Trading' }, policy: policy(2, serials.v2) });
      expect(bySeq.get(2)).toEqual({ group: { id: builtIn?.id, name: builtIn?.name }, policy: policy(2, serials.v2) });
      expect(bySeq.get(1)).toEqual({ group: { id: builtIn?.id, name: builtIn?.name }, policy: policy(1, serials.v1) });
      // No serial, or one this console never published: no policy, the group still known.
      expect(bySeq.get(3)?.policy).toBeNull();
      expect(bySeq.get(4)).toEqual({ group: { id: builtIn?.id, name: builtIn?.name }, policy: null });
      // A renamed group shows its name now; the state filter's pages carry the context too.
      expect((await t.admin.json('PATCH', `/api/v1/groups/${tradingGroup}`, { name: 'Trading floor 2' })).status).toBe(200);
      expect((await search('?triageState=new&limit=1'))[0]?.context.group).toEqual({ id: tradingGroup, name: 'Trading floor 2' });
    });

    it('counts exactly below max and answers "at least max" above it, for every kind of filter', async () => {
      expect(await count('')).toEqual({ count: 5, exact: true });
      expect(await count('?max=3')).toEqual({ count: 3, exact: false });
      expect(await count('?max=5')).toEqual({ count: 5, exact: true });
      // Index-served (agent, rule) and window-scanned (free text, type) filters count alike.
      expect(await count(`?agentId=${agentId}&max=4`)).toEqual({ count: 4, exact: false });
      expect(await count('?ruleId=usb-deny')).toEqual({ count: 1, exact: true });
      expect(await count('?q=SANDISK&type=usb')).toEqual({ count: 0, exact: true });
      expect(await count('?q=ws-001')).toEqual({ count: 5, exact: true });
      expect(await count(`?from=${at(2)}&to=${at(5)}`)).toEqual({ count: 3, exact: true });
      expect(await count(`?groupId=${tradingGroup}`)).toEqual({ count: 1, exact: true });
      expect(await count('?triageState=new&max=2')).toEqual({ count: 2, exact: false });
      expect((await bulk({ events: refs(1, 3), state: 'escalated' })).status).toBe(200);
      expect(await count('?triageState=escalated')).toEqual({ count: 2, exact: true });
      expect(await count('?triageState=new')).toEqual({ count: 3, exact: true });

      for (const [qs, field] of [
        ['?max=0', 'max'],
        ['?max=10001', 'max'],
        ['?max=1.5', 'max'],
        ['?cursor=abc', '(root)'],
        ['?limit=10', '(root)'],
        ['?triageState=closed', 'triageState'],
        [`?from=${at(5)}&to=${at(1)}`, 'to'],
      ] as const) {
        const res = await auditor.client.json<{ issues: Array<{ path: string }> }>('GET', `/api/v1/triage/events/count${qs}`);
        expect([qs, res.status, res.body.issues.map((issue) => issue.path)]).toEqual([qs, 400, expect.arrayContaining([field])]);
      }
    });

    it('triages a list of events in one audited call, with a history entry on each', async () => {
      const first = await bulk({ events: refs(4, 2, 1), state: 'acknowledged', note: '批量确认：测试工具' });
      expect(first.status).toBe(200);
      const result = triageBulkResult.parse(first.body);
      expect(result.items.map((item) => [item.seq, item.triage.state, item.triage.scope, item.triage.updatedBy])).toEqual([
        [4, 'acknowledged', 'event', '王officer'],
        [2, 'acknowledged', 'event', '王officer'],
        [1, 'acknowledged', 'event', '王officer'],
      ]);
      expect(await states()).toEqual(['5:new', '4:acknowledged', '3:new', '2:acknowledged', '1:acknowledged']);
      const detail = await auditor.client.json<TriageDetail>('GET', `/api/v1/triage/events/${agentId}/2`);
      expect(detail.body.history.map((entry) => [entry.actor.username, entry.scope, entry.state, entry.previousState, entry.note])).toEqual([['王officer', 'event', 'acknowledged', null, '批量确认：测试工具']]);

      // A second change names the states it replaced; a note alone keeps every state.
      expect((await bulk({ events: refs(1, 3), state: 'escalated' }, t.admin)).status).toBe(200);
      const noted = await bulk({ events: refs(1, 5), note: '已上报' });
      expect(triageBulkResult.parse(noted.body).items.map((item) => [item.seq, item.triage.state, item.triage.scope])).toEqual([
        [1, 'escalated', 'event'],
        [5, 'new', null],
      ]);
      expect(await states()).toEqual(['5:new', '4:acknowledged', '3:escalated', '2:acknowledged', '1:escalated']);

      const audit = await t.admin.json<Page<AuditEntry>>('GET', '/api/v1/audit?action=triage.');
      expect(audit.body.items.map((entry) => [entry.action, entry.actor.kind === 'user' ? entry.actor.username : '', entry.target?.type, entry.target?.id])).toEqual([
        ['triage.bulk_note', '王officer', 'events', '2 events'],
        ['triage.bulk_set_state', 'admin', 'events', '2 events'],
        ['triage.bulk_set_state', '王officer', 'events', '3 events'],
      ]);
      expect(audit.body.items[1]?.before).toEqual({ states: { [`${agentId}/1`]: 'acknowledged' } });
      expect(audit.body.items[1]?.after).toEqual({ events: [`${agentId}/1`, `${agentId}/3`], state: 'escalated' });
      expect(audit.body.items[0]?.after).toEqual({ events: [`${agentId}/1`, `${agentId}/5`], note: '已上报' });
    });

    it('changes nothing when one event does not exist, and refuses auditors, bad lists and more than the cap', async () => {
      const missing = await bulk({ events: [...refs(1, 2), { agentId, seq: 99 }], state: 'false-positive' });
      expect(missing.status).toBe(404);
      expect(missing.body.error).toBe('not_found');
      expect(missing.body.issues?.map((issue) => issue.path)).toEqual(['events.2']);
      expect(await states()).toEqual(['5:new', '4:new', '3:new', '2:new', '1:new']);
      expect((await t.admin.json<Page<AuditEntry>>('GET', '/api/v1/audit?action=triage.')).body.items).toEqual([]);

      expect((await bulk({ events: refs(1), state: 'acknowledged' }, auditor.client)).status).toBe(403);
      const tooMany = Array.from({ length: TRIAGE_BULK_MAX + 1 }, (_, i) => ({ agentId, seq: i + 1 }));
      const cases: Array<[unknown, string]> = [
        [{ events: [], state: 'acknowledged' }, 'events'],
        [{ events: tooMany, state: 'acknowledged' }, 'events'],
        [{ events: refs(1, 1), state: 'acknowledged' }, 'events'],
        [{ events: refs(1) }, 'state'],
        [{ events: refs(1), state: 'closed' }, 'state'],
        [{ events: refs(1), note: '   ' }, 'note'],
        [{ events: refs(1), note: 'x'.repeat(2001) }, 'note'],
        [{ events: [{ agentId, seq: 0 }], state: 'new' }, 'events.0.seq'],
        [{ events: [{ agentId: 'not-an-id', seq: 1 }], state: 'new' }, 'events.0.agentId'],
        [{ events: refs(1), state: 'new', scope: 'group' }, '(root)'],
        [{ events: `${agentId}/1`, state: 'new' }, 'events'],
      ];
      for (const [body, field] of cases) {
        const res = await bulk(body);
        expect([field, res.status, res.body.issues?.map((issue) => issue.path)]).toEqual([field, 400, expect.arrayContaining([field])]);
      }
      expect(await states()).toEqual(['5:new', '4:new', '3:new', '2:new', '1:new']);
    });

    it(`takes ${TRIAGE_BULK_MAX} events in one call`, async () => {
      const many = Array.from({ length: TRIAGE_BULK_MAX }, (_, i) => sampleEvent({ seq: 10 + i, occurredAt: at(10 + (i % 40)) }));
      await peer.sendEvents(many);
      const res = await bulk({ events: refs(...many.map((event) => event.seq)), state: 'false-positive' });
      expect(res.status).toBe(200);
      expect(triageBulkResult.parse(res.body).items).toHaveLength(TRIAGE_BULK_MAX);
      expect(await count('?triageState=false-positive')).toEqual({ count: TRIAGE_BULK_MAX, exact: true });
    });
  });
}
