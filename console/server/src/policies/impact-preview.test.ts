import { uuidv7, type AgentEvent, type DraftDetail, type ImpactReport, type PolicySummary } from '@dlp/shared';
import { enrollAgent, helloAgent, TEST_AGENT_INFO, type AgentPeer } from '../testing/agent-peer';
import { createEnrollSecret, startTestConsole, type TestConsole } from '../testing/test-console';

const DAY = 24 * 3600 * 1000;
const NC = 'a'.repeat(64);
const TOOL = 'b'.repeat(64);
const GAME = 'c'.repeat(64);
const SCANNER = 'd'.repeat(64);

function appEvent(seq: number, daysAgo: number, host: string, user: string, action: AgentEvent['action'], ruleId: string | null, exePath: string, sha256: string): AgentEvent {
  return {
    id: uuidv7(),
    seq,
    occurredAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
    type: 'app',
    action,
    severity: 'medium',
    user,
    host,
    ruleId,
    policySerial: 1,
    subject: { kind: 'process', pid: 100 + seq, exePath, name: exePath.slice(exePath.lastIndexOf('/') + 1), sha256, method: 'proc-scan' },
  };
}

function usbEvent(seq: number, host: string, user: string, action: AgentEvent['action'], device: { vendorId: string; productId: string; serial: string; interfaces: number[] }, outcome: 'inserted' | 'device-blocked'): AgentEvent {
  return {
    id: uuidv7(),
    seq,
    occurredAt: new Date(Date.now() - DAY).toISOString(),
    type: 'usb',
    action,
    severity: 'low',
    user,
    host,
    ruleId: null,
    policySerial: 1,
    subject: { kind: 'device', port: '1-2', ...device, outcome },
  };
}

/** The draft under review: blocks nc and one game by hash, allows /tmp/tool, makes unknown sticks read-only. */
const draftDocument = {
  schema: 'dlp.policy/v1',
  name: 'Stricter',
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

describe('impact preview', () => {
  let t: TestConsole;
  const peers: AgentPeer[] = [];
  beforeEach(async () => {
    t = await startTestConsole();
  });
  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await t.stop();
  });

  async function seed(hostname: string, user: string, events: AgentEvent[]): Promise<void> {
    const secret = await createEnrollSecret(t.admin, hostname);
    const info = { ...TEST_AGENT_INFO, hostname, user };
    const peer = await helloAgent(t.console.agentUrl, await enrollAgent(t.console.agentUrl, secret, info), null, info);
    peers.push(peer);
    expect((await peer.sendEvents(events)).upTo).toBe(events.length);
  }

  it('replays the stored history against a draft and counts what it would block, per rule', async () => {
    await seed('ws-1', 'alice', [
      appEvent(1, 10, 'ws-1', 'alice', 'blocked', 'old-nc', '/usr/bin/nc', NC),
      appEvent(2, 3, 'ws-1', 'alice', 'blocked', 'old-nc', '/usr/bin/nc', NC),
      appEvent(3, 2, 'ws-1', 'alice', 'blocked', 'old-nc', '/usr/bin/nc', NC),
      appEvent(4, 1, 'ws-1', 'alice', 'blocked', 'old-nc', '/usr/bin/nc', NC),
      appEvent(5, 1, 'ws-1', 'alice', 'would-block', 'block-tool', '/tmp/tool', TOOL),
      appEvent(6, 1, 'ws-1', 'alice', 'allowed', null, '/home/alice/bin/game', GAME),
      usbEvent(7, 'ws-1', 'alice', 'info', { vendorId: '0781', productId: '5567', serial: 'S1', interfaces: [8] }, 'inserted'),
      usbEvent(8, 'ws-1', 'alice', 'blocked', { vendorId: '0781', productId: '5567', serial: 'S1', interfaces: [8] }, 'device-blocked'),
    ]);
    await seed('ws-2', 'bob', [
      appEvent(1, 1, 'ws-2', 'bob', 'blocked', 'old-nc', '/bin/nc', NC),
      appEvent(2, 1, 'ws-2', 'bob', 'would-block', 'old-scan', '/opt/tools/scanner', SCANNER),
      usbEvent(3, 'ws-2', 'bob', 'info', { vendorId: '046d', productId: 'c52b', serial: 'K1', interfaces: [3] }, 'inserted'),
      usbEvent(4, 'ws-2', 'bob', 'info', { vendorId: '090c', productId: '1000', serial: 'S2', interfaces: [8] }, 'inserted'),
    ]);
    const policyId = (await t.admin.json<{ items: PolicySummary[] }>('GET', '/api/v1/policies')).body.items[0]?.id;
    const draft = await t.admin.json<DraftDetail>('POST', `/api/v1/policies/${policyId}/drafts`, { document: draftDocument });

    const week = await t.admin.json<ImpactReport>('POST', `/api/v1/drafts/${draft.body.draft.id}/impact`, { days: 7 });
    expect(week.status).toBe(200);
    const report = week.body;
    expect(report).toMatchObject({ draftId: draft.body.draft.id, policyId, mode: 'enforce', days: 7, appEvents: 7, usbDevices: 3, truncated: false });
    expect(report.apps.wouldBlock.map((g) => [g.ruleId, g.action, g.events, g.hosts, g.users])).toEqual([
      ['no-nc', 'block', 4, 2, 2],
      ['no-game', 'block', 1, 1, 1],
    ]);
    // Examples name each executable once, newest sighting first.
    expect(report.apps.wouldBlock[0]?.examples.map((e) => [e.host, e.subject, e.reportedAction])).toEqual([
      ['ws-2', '/bin/nc', 'blocked'],
      ['ws-1', '/usr/bin/nc', 'blocked'],
    ]);
    expect(report.apps.wouldBlock[1]?.examples[0]).toMatchObject({ subject: '/home/alice/bin/game', sha256: GAME, reportedAction: 'allowed', user: 'alice' });
    expect(report.apps.noLongerBlocked.map((g) => [g.ruleId, g.action, g.events])).toEqual([
      ['block-tool', 'allow', 1],
      ['old-scan', 'allow', 1],
    ]);
    expect(report.usb.wouldRestrict.map((g) => [g.ruleId, g.action, g.events, g.examples[0]?.subject])).toEqual([[null, 'read-only', 1, '090c:1000 S2']]);
    expect(report.usb.noLongerRestricted.map((g) => [g.ruleId, g.action, g.events, g.examples[0]?.subject])).toEqual([[null, 'allow', 1, '0781:5567 S1']]);

    const month = await t.admin.json<ImpactReport>('POST', `/api/v1/drafts/${draft.body.draft.id}/impact`, { days: 30 });
    expect(month.body.appEvents).toBe(8);
    expect(month.body.apps.wouldBlock[0]).toMatchObject({ ruleId: 'no-nc', events: 5 });

    expect(await t.admin.json('POST', `/api/v1/drafts/${draft.body.draft.id}/impact`, { days: 91 })).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ path: 'days' })] } });
    expect((await t.admin.json('POST', `/api/v1/drafts/${uuidv7()}/impact`, { days: 7 })).status).toBe(404);
  });

  it('counts the capture tools a draft with blockCaptureTools would block, as the agent compiles them', async () => {
    await seed('ws-3', 'carol', [
      appEvent(1, 1, 'ws-3', 'carol', 'allowed', null, '/usr/bin/flameshot', TOOL),
      appEvent(2, 1, 'ws-3', 'carol', 'allowed', null, '/usr/bin/import-im6.q16', GAME),
      appEvent(3, 1, 'ws-3', 'carol', 'allowed', null, '/usr/bin/ffmpeg', SCANNER),
    ]);
    const policyId = (await t.admin.json<{ items: PolicySummary[] }>('GET', '/api/v1/policies')).body.items[0]?.id;
    const preview = async (blockCaptureTools: boolean): Promise<ImpactReport> => {
      const document = { schema: 'dlp.policy/v1', name: 'Capture', mode: 'enforce', screen: { blockCaptureTools } };
      const draft = await t.admin.json<DraftDetail>('POST', `/api/v1/policies/${policyId}/drafts`, { document });
      return (await t.admin.json<ImpactReport>('POST', `/api/v1/drafts/${draft.body.draft.id}/impact`, { days: 7 })).body;
    };
    expect((await preview(true)).apps.wouldBlock.map((g) => [g.ruleId, g.events])).toEqual([
      ['screen:flameshot', 1],
      ['screen:imagemagick-import', 1],
    ]);
    expect((await preview(false)).apps.wouldBlock).toEqual([]);
  });
});
