import { uuidv7, type AgentEvent, type DraftDetail, type EventSearchFilter, type EventSearchPage, type ImpactBucket, type ImpactReport } from '@dlp/shared';
import { enrollAgent, helloAgent, TEST_AGENT_INFO, type AgentPeer } from '../testing/agent-peer';
import { createEnrollSecret, type TestConsole } from '../testing/test-console';

const HOUR = 3600 * 1000;
const NC = 'a'.repeat(64);
const TOOL = 'b'.repeat(64);
const GAME = 'c'.repeat(64);
const LS = 'e'.repeat(64);

function appEvent(seq: number, user: string | null, action: AgentEvent['action'], ruleId: string | null, exePath: string, sha256: string, hoursAgo = seq): AgentEvent {
  return {
    id: uuidv7(),
    seq,
    occurredAt: new Date(Date.now() - hoursAgo * HOUR).toISOString(),
    type: 'app',
    action,
    severity: 'medium',
    user,
    host: 'set-by-seed',
    ruleId,
    policySerial: 1,
    subject: { kind: 'process', pid: 100 + seq, exePath, name: exePath.slice(exePath.lastIndexOf('/') + 1), sha256, method: 'proc-scan' },
  };
}

function usbEvent(seq: number, user: string, action: AgentEvent['action'], vendorId: string, serial: string, outcome: 'inserted' | 'device-blocked'): AgentEvent {
  return {
    id: uuidv7(),
    seq,
    occurredAt: new Date(Date.now() - seq * HOUR).toISOString(),
    type: 'usb',
    action,
    severity: 'low',
    user,
    host: 'set-by-seed',
    ruleId: action === 'blocked' ? 'old-usb' : null,
    policySerial: 1,
    subject: { kind: 'device', port: '1-2', vendorId, productId: '1000', serial, interfaces: [8], outcome },
  };
}

/** The draft under review: blocks nc by name and a game by hash, allows /tmp/tool, SanDisk only, other sticks read-only. */
const DRAFT = {
  schema: 'dlp.policy/v1',
  name: 'Desk policy, stricter',
  mode: 'enforce',
  apps: {
    rules: [
      { id: 'no-nc', action: 'block', kind: 'name', value: 'nc' },
      { id: 'allow-tool', action: 'allow', kind: 'path', value: '/tmp/tool' },
      { id: 'no-game', action: 'block', kind: 'sha256', value: GAME },
    ],
  },
  usb: { defaultAction: 'read-only', rules: [{ id: 'sandisk-ok', action: 'allow', match: { vendorId: '0781' } }] },
};

const counts = (bucket: ImpactBucket) => [bucket.events, bucket.hosts, bucket.users];

/**
 * The impact preview in hosts, users and events per bucket (issue 17 item 5), on one database engine.
 * Seeded history with known answers: "Trading" (uses the policy) has ws-a1 (alice) and ws-a2 (bob);
 * "Back office" (another policy) has ws-b1 (carol), whose events only a chosen-group preview counts.
 */
export function describeImpactBucketRoutes(engine: string, start: () => Promise<TestConsole>, stop: (t: TestConsole) => Promise<void>): void {
  describe(`impact preview buckets (${engine})`, () => {
    let t: TestConsole;
    const peers: AgentPeer[] = [];
    let trading: string;
    let backOffice: string;
    let draftId: string;

    async function seed(groupId: string, hostname: string, events: AgentEvent[]): Promise<void> {
      const info = { ...TEST_AGENT_INFO, hostname };
      const creds = await enrollAgent(t.console.agentUrl, await createEnrollSecret(t.admin, hostname), info);
      // Moved before its events arrive: events belong to the group their agent was in then.
      expect((await t.admin.json('PUT', `/api/v1/agents/${creds.agentId}/group`, { groupId })).status).toBe(200);
      const peer = await helloAgent(t.console.agentUrl, creds, null, info);
      peers.push(peer);
      expect((await peer.sendEvents(events.map((e) => ({ ...e, host: hostname })))).upTo).toBe(events.length);
    }

    async function preview(body: { days: number; groupId?: string }): Promise<ImpactReport> {
      const reply = await t.admin.json<ImpactReport>('POST', `/api/v1/drafts/${draftId}/impact`, body);
      expect(reply.status).toBe(200);
      return reply.body;
    }

    /** How many events the search finds with these filters (the drill-down's landing count). */
    async function searchCount(filters: EventSearchFilter): Promise<number> {
      const query = new URLSearchParams({ ...(filters as Record<string, string>), limit: '500' });
      const page = await t.admin.json<EventSearchPage>('GET', `/api/v1/events?${query.toString()}`);
      expect(page.status).toBe(200);
      return page.body.items.length;
    }

    /** Every filter said to be exact finds exactly its events in the search; the others find more. */
    async function expectFiltersHoldTheirEvents(report: ImpactReport): Promise<void> {
      const { alreadyBlocked, newlyBlocked, noLongerBlocked } = report.buckets;
      for (const bucket of [alreadyBlocked, newlyBlocked, noLongerBlocked]) {
        for (const part of [...bucket.parts, ...bucket.slices]) {
          const found = await searchCount(part.filters);
          if (part.exact) expect(found).toBe(part.events);
          else expect(found).toBeGreaterThan(part.events);
        }
      }
    }

    beforeEach(async () => {
      t = await start();
      const policy = await t.admin.json<{ policy: { id: string } }>('POST', '/api/v1/policies', { document: { schema: 'dlp.policy/v1', name: 'Desk policy', mode: 'enforce' } });
      const other = await t.admin.json<{ policy: { id: string } }>('POST', '/api/v1/policies', { document: { schema: 'dlp.policy/v1', name: 'Office policy', mode: 'monitor' } });
      trading = (await t.admin.json<{ group: { id: string } }>('POST', '/api/v1/groups', { name: 'Trading', policyId: policy.body.policy.id })).body.group.id;
      backOffice = (await t.admin.json<{ group: { id: string } }>('POST', '/api/v1/groups', { name: 'Back office', policyId: other.body.policy.id })).body.group.id;
      await seed(trading, 'ws-a1', [
        appEvent(1, 'alice', 'blocked', 'old-nc', '/usr/bin/nc', NC),
        appEvent(2, 'alice', 'blocked', 'old-nc', '/usr/bin/nc', NC),
        appEvent(3, 'alice', 'allowed', null, '/home/alice/game', GAME),
        appEvent(4, 'alice', 'blocked', 'block-tool', '/tmp/tool', TOOL),
        usbEvent(5, 'alice', 'info', '090c', 'S2', 'inserted'),
        usbEvent(6, 'alice', 'blocked', '0781', 'S1', 'device-blocked'),
        // Older than the 7 days previewed.
        appEvent(7, 'alice', 'allowed', null, '/home/alice/game', GAME, 200),
      ]);
      await seed(trading, 'ws-a2', [
        appEvent(1, 'bob', 'blocked', 'old-nc', '/bin/nc', NC),
        appEvent(2, 'bob', 'would-block', 'old-game', '/home/bob/game', GAME),
        appEvent(3, 'bob', 'allowed', null, '/usr/bin/ls', LS),
        appEvent(4, null, 'allowed', null, '/home/bob/game', GAME),
      ]);
      await seed(backOffice, 'ws-b1', [
        appEvent(1, 'carol', 'blocked', 'old-nc', '/usr/bin/nc', NC),
        appEvent(2, 'carol', 'allowed', null, '/home/carol/game', GAME),
        appEvent(3, 'carol', 'allowed', null, '/home/carol/game', GAME),
      ]);
      const draft = await t.admin.json<DraftDetail>('POST', `/api/v1/policies/${policy.body.policy.id}/drafts`, { document: DRAFT });
      expect(draft.status).toBe(201);
      draftId = draft.body.draft.id;
    });
    afterEach(async () => {
      for (const peer of peers.splice(0)) peer.close();
      await stop(t);
    });

    it('counts hosts, users and events of the groups that use the policy, per bucket', async () => {
      const report = await preview({ days: 7 });
      expect(report.scope).toEqual({ kind: 'policy', groups: [{ id: trading, name: 'Trading', usesPolicy: true }] });
      const { alreadyBlocked, newlyBlocked, noLongerBlocked } = report.buckets;
      // nc on both hosts (carol's is in another group); a stick and /tmp/tool the draft lets through.
      expect(counts(alreadyBlocked)).toEqual([3, 2, 2]);
      expect(counts(newlyBlocked)).toEqual([4, 2, 2]);
      expect(counts(noLongerBlocked)).toEqual([2, 1, 1]);
      expect(alreadyBlocked.slices.map((s) => [s.ruleId, s.subject, s.events, s.hosts, s.exact])).toEqual([['no-nc', '/bin/nc', 3, 2, true]]);
      expect(alreadyBlocked.slices[0]?.filters).toEqual({ from: report.from, to: report.to, groupId: trading, type: 'app', action: 'blocked', sha256: NC });
      // Blocked app events of Trading include /tmp/tool, which the draft allows: no one search for the bucket.
      expect(alreadyBlocked.filters).toBeNull();
      expect(alreadyBlocked.parts.map((p) => [p.type, p.recordedAction, p.events, p.exact])).toEqual([['app', 'blocked', 3, false]]);
      expect(newlyBlocked.parts.map((p) => [p.type, p.recordedAction, p.events, p.hosts, p.users, p.exact])).toEqual([
        ['app', 'allowed', 2, 2, 1, false],
        ['app', 'would-block', 1, 1, 1, true],
        ['usb', 'info', 1, 1, 1, true],
      ]);
      expect(newlyBlocked.slices.map((s) => [s.ruleId, s.recordedAction, s.events, s.exact])).toEqual([
        ['no-game', 'allowed', 2, true],
        ['no-game', 'would-block', 1, true],
        [null, 'info', 1, true],
      ]);
      expect(noLongerBlocked.slices.map((s) => [s.ruleId, s.type, s.subject, s.exact])).toEqual([
        ['block-tool', 'app', '/tmp/tool', true],
        ['old-usb', 'usb', '0781:1000 S1', true],
      ]);
      // The legacy per-rule sections are scoped the same way.
      expect(report.appEvents).toBe(8);

      await expectFiltersHoldTheirEvents(report);
    });

    it('counts many events of a few programs and one stick as the events, hosts and users they are', async () => {
      // ws-a3 runs three programs 60 times between two users; the stick is seen twice in the same
      // millisecond (inserted, then blocked), so only the store order says which sighting is its latest.
      const at = new Date(Date.now() - HOUR / 2).toISOString();
      await seed(trading, 'ws-a3', [
        ...Array.from({ length: 30 }, (_, i) => appEvent(i + 1, i % 2 === 0 ? 'dave' : 'erin', 'blocked', 'old-nc', '/usr/bin/nc', NC, i + 1.5)),
        ...Array.from({ length: 20 }, (_, i) => appEvent(i + 31, 'dave', 'allowed', null, '/home/dave/game', GAME)),
        ...Array.from({ length: 10 }, (_, i) => appEvent(i + 51, 'erin', 'allowed', null, '/usr/bin/ls', LS)),
        { ...usbEvent(61, 'erin', 'info', '090c', 'S9', 'inserted'), occurredAt: at },
        { ...usbEvent(62, 'erin', 'blocked', '090c', 'S9', 'device-blocked'), occurredAt: at },
      ]);
      const report = await preview({ days: 7 });
      const { alreadyBlocked, newlyBlocked, noLongerBlocked } = report.buckets;
      // Before ws-a3: 3/2/2, 4/2/2 and 2/1/1 (the first case).
      expect(counts(alreadyBlocked)).toEqual([34, 3, 4]);
      expect(counts(newlyBlocked)).toEqual([25, 3, 4]);
      expect(counts(noLongerBlocked)).toEqual([2, 1, 1]);
      expect(report.appEvents).toBe(68);
      expect(alreadyBlocked.slices.map((s) => [s.ruleId, s.subject, s.events, s.hosts, s.users, s.exact])).toEqual([
        ['no-nc', '/bin/nc', 33, 3, 4, true],
        [null, '090c:1000 S9', 1, 1, 1, true],
      ]);
      expect(report.apps.wouldBlock.map((g) => [g.ruleId, g.events, g.hosts, g.users])).toEqual([
        ['no-nc', 33, 3, 4],
        ['no-game', 23, 3, 3],
      ]);
      // Each executable quoted once, by its newest sighting (ws-a3's nc runs are all older).
      expect(report.apps.wouldBlock[0]?.examples.map((e) => [e.host, e.subject])).toEqual([
        ['ws-a2', '/bin/nc'],
        ['ws-a1', '/usr/bin/nc'],
      ]);
      // The stick is judged once, by its latest sighting: the block stored after the insert.
      expect(report.usb.wouldRestrict.map((g) => [g.action, g.events, g.hosts])).toEqual([['read-only', 2, 2]]);
      expect(report.usb.wouldRestrict[0]?.examples.map((e) => [e.host, e.subject, e.reportedAction])).toEqual([
        ['ws-a3', '090c:1000 S9', 'blocked'],
        ['ws-a1', '090c:1000 S2', 'info'],
      ]);
      await expectFiltersHoldTheirEvents(report);
    });

    it('replays one chosen group, whose single-part bucket opens as one search', async () => {
      const report = await preview({ days: 7, groupId: backOffice });
      expect(report.scope).toEqual({ kind: 'chosen', groups: [{ id: backOffice, name: 'Back office', usesPolicy: false }] });
      expect(counts(report.buckets.alreadyBlocked)).toEqual([1, 1, 1]);
      expect(counts(report.buckets.newlyBlocked)).toEqual([2, 1, 1]);
      expect(counts(report.buckets.noLongerBlocked)).toEqual([0, 0, 0]);
      const filters = report.buckets.newlyBlocked.filters;
      expect(filters).toEqual({ from: report.from, to: report.to, groupId: backOffice, type: 'app', action: 'allowed' });
      expect(filters && (await searchCount(filters))).toBe(2);
      expect(report.buckets.noLongerBlocked.filters).toBeNull();

      // A longer window reaches alice's old game run in Trading.
      const month = await preview({ days: 30, groupId: trading });
      expect(counts(month.buckets.newlyBlocked)).toEqual([5, 2, 2]);
    });

    it('validates the chosen group and answers an empty scope when no group uses the policy', async () => {
      const unknown = await t.admin.json<{ issues: Array<{ path: string }> }>('POST', `/api/v1/drafts/${draftId}/impact`, { days: 7, groupId: uuidv7() });
      expect(unknown.status).toBe(400);
      expect(unknown.body.issues.map((i) => i.path)).toEqual(['groupId']);
      const malformed = await t.admin.json<{ issues: Array<{ path: string }> }>('POST', `/api/v1/drafts/${draftId}/impact`, { days: 7, groupId: '../x' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.issues.map((i) => i.path)).toEqual(['groupId']);

      const lonely = await t.admin.json<{ policy: { id: string } }>('POST', '/api/v1/policies', { document: { schema: 'dlp.policy/v1', name: 'Unused', mode: 'enforce' } });
      const draft = await t.admin.json<DraftDetail>('POST', `/api/v1/policies/${lonely.body.policy.id}/drafts`, { document: { ...DRAFT, name: 'Unused' } });
      const report = (await t.admin.json<ImpactReport>('POST', `/api/v1/drafts/${draft.body.draft.id}/impact`, { days: 7 })).body;
      expect(report.scope).toEqual({ kind: 'policy', groups: [] });
      expect(counts(report.buckets.newlyBlocked)).toEqual([0, 0, 0]);
      expect(report.appEvents).toBe(0);
    });
  });
}
