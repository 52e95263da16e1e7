import { policyDocument, uuidv7, type AgentEvent, type CapabilityReport, type PolicyException } from '@dlp/shared';
import { makeTempDir } from '../../testing/fixtures';
import type { EventInput } from '../event-factory';
import { buildAgentStatus } from './agent-status';
import { PeerRateLimit } from './peer-rate-limit';
import { blockNoticeOf, ownsBlock, RecentBlocks } from './recent-blocks';
import { ExceptionRequestLog } from './request-log';
import { WatermarkWatch } from './watermark-watch';

const SHA = 'a'.repeat(64);
const document = policyDocument.parse({
  schema: 'dlp.policy/v1',
  name: 'Trading floor',
  mode: 'enforce',
  apps: { rules: [{ id: 'no-nc', action: 'block', kind: 'name', value: 'nc', description: 'Netcat sends files out.' }] },
  usb: { defaultAction: 'block' },
  screen: { watermark: { enabled: true } },
});
const caps: CapabilityReport = { apps: { method: 'fanotify', preExec: true, failMode: 'closed' }, usb: { method: 'sysfs-authorized', mountGuard: true }, screen: { captureToolBlocking: false, windowCaptureExclusion: false }, notes: [] };

function event(overrides: Partial<Omit<AgentEvent, 'seq'>>): Omit<AgentEvent, 'seq'> {
  return { id: uuidv7(), occurredAt: new Date().toISOString(), type: 'app', action: 'blocked', severity: 'high', user: 'bob', host: 'ws', ruleId: 'no-nc', policySerial: 3, subject: { kind: 'process', pid: 5, uid: 1001, exePath: '/usr/bin/nc', name: 'nc', sha256: SHA, method: 'fanotify' }, ...overrides };
}

describe('block notices', () => {
  it('carry the rule’s own words and a target to ask for; non-blocks are not notices', () => {
    const owned = blockNoticeOf(event({}), document);
    expect(owned).toMatchObject({ uid: 1001, block: { what: '/usr/bin/nc', reason: 'Netcat sends files out.', target: { kind: 'app', sha256: SHA, exePath: '/usr/bin/nc' } } });
    expect(blockNoticeOf(event({ action: 'allowed' }), document)).toBeNull();
    expect(blockNoticeOf(event({ type: 'policy', subject: { kind: 'policy', reason: 'x' } }), document)).toBeNull();
    const usb = blockNoticeOf(event({ type: 'usb', ruleId: null, user: 'carol', subject: { kind: 'device', vendorId: '0781', productId: '5567', serial: 'S1', vendorName: 'SanDisk', interfaces: [8] } }), document);
    expect(usb).toMatchObject({ uid: null, block: { what: 'SanDisk (0781:5567)', reason: '', target: { kind: 'usb-device', device: { serial: 'S1' } } } });
  });

  it('belong to the uid that ran the program, or by name to the user at the screen', () => {
    const app = blockNoticeOf(event({}), document);
    const usb = blockNoticeOf(event({ type: 'usb', user: 'carol', subject: { kind: 'device', vendorId: '0781', productId: '5567', interfaces: [] } }), document);
    if (!app || !usb) throw new Error('expected notices');
    expect(ownsBlock(app, { uid: 1001, name: 'someone-else' })).toBe(true);
    expect(ownsBlock(app, { uid: 1002, name: 'bob' })).toBe(false); // the name alone does not claim a process's block
    expect(ownsBlock(usb, { uid: 1003, name: 'carol' })).toBe(true);
    expect(ownsBlock(usb, { uid: 1003, name: null })).toBe(false);
    const recent = new RecentBlocks();
    for (let i = 0; i < 600; i++) recent.add(app);
    expect(recent.list(1000, () => true)).toHaveLength(500);
  });
});

describe('the exception request log', () => {
  it('follows a request from pending to granted to expired, per asker, across a restart', async () => {
    const { dir, cleanup } = await makeTempDir('request-log');
    try {
      const log = await ExceptionRequestLog.open(dir);
      const requestedAt = new Date(Date.now() - 1000).toISOString();
      await log.add({ requestId: uuidv7(), requestedAt, target: { kind: 'app', sha256: SHA, exePath: '/opt/x' }, requestedMinutes: 60, user: 'bob', uid: 1001 });
      await log.add({ requestId: uuidv7(), requestedAt, target: { kind: 'app', sha256: 'b'.repeat(64), exePath: '/opt/y' }, requestedMinutes: 60, user: 'carol', uid: null });
      const bobs = (r: { uid: number | null; user: string | null }) => r.uid === 1001;
      expect(log.list(bobs).map((r) => r.state)).toEqual(['pending']);
      const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
      const granted: PolicyException = { id: uuidv7(), agentId: uuidv7(), serial: 1, grantedAt: new Date().toISOString(), expiresAt, target: { kind: 'app', sha256: SHA }, reason: 'ok', grantedBy: 'olga' };
      await log.noteGranted([granted]);
      const reopened = await ExceptionRequestLog.open(dir);
      expect(reopened.list(bobs)).toEqual([expect.objectContaining({ state: 'granted', expiresAt })]);
      expect(reopened.list(bobs, Date.parse(expiresAt) + 1)).toEqual([expect.objectContaining({ state: 'expired' })]);
      expect(reopened.list((r) => r.user === 'carol').map((r) => r.state)).toEqual(['pending']);
    } finally {
      await cleanup();
    }
  });
});

describe('agent status for the tray', () => {
  const base = { link: 'ready' as const, enrolled: true, lastContactAt: null, capabilities: caps, host: 'ws', agentVersion: '1', peer: { uid: 1001, name: 'bob', privileged: false } };
  it('says what is in force by the capability report, not by the policy alone', () => {
    const status = buildAgentStatus({ ...base, policy: { serial: 3, document } });
    expect(status).toMatchObject({ protection: 'protected', console: 'connected', policy: { serial: 3, name: 'Trading floor', mode: 'enforce' }, watermark: { enabled: true, text: '', opacity: 0.12 } });
    expect(status.controls).toEqual([
      { control: 'apps', state: 'enforced' },
      { control: 'usb', state: 'enforced' },
      { control: 'screen', state: 'off' },
      { control: 'content', state: 'off' },
    ]);
    const degraded = buildAgentStatus({ ...base, policy: { serial: 3, document }, capabilities: { ...caps, apps: { ...caps.apps, helper: { running: false, restarts: 3, timeouts: 0, cacheHitRate: 0 } }, usb: { method: 'none', mountGuard: false } } });
    expect(degraded.controls.slice(0, 2).map((c) => c.state)).toEqual(['degraded', 'degraded']);
    expect(buildAgentStatus({ ...base, link: 'waiting', policy: null })).toMatchObject({ protection: 'no-policy', console: 'unreachable', controls: [] });
    expect(buildAgentStatus({ ...base, enrolled: false, policy: null }).console).toBe('not-enrolled');
  });
});

describe('the watermark watch', () => {
  it('records one event per change between shown and not shown, including a tray that went silent', async () => {
    let now = 0;
    const recorded: EventInput[] = [];
    const watch = new WatermarkWatch({ wanted: () => true, loggedInUser: async () => 'bob', record: (e) => void recorded.push(e), now: () => now });
    watch.noteReport(1001, 'bob', { state: 'shown', shownOn: 2, displays: 2 });
    await watch.check();
    expect(recorded).toHaveLength(0); // the normal start says nothing
    now += 4 * 60_000; // no report for four minutes: the tray was killed
    await watch.check();
    await watch.check();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.subject).toMatchObject({ kind: 'agent', message: 'screen watermark not shown for bob: no tray app of this user has reported (not running, or killed)' });
    watch.noteReport(1001, 'bob', { state: 'shown', shownOn: 1, displays: 2 });
    await watch.check();
    expect(recorded).toHaveLength(1); // one display uncovered is still not shown
    watch.noteReport(1001, 'bob', { state: 'shown', shownOn: 2, displays: 2 });
    await watch.check();
    expect(recorded.map((e) => e.subject.kind === 'agent' && e.subject.message)).toEqual([expect.stringMatching(/not shown/), 'screen watermark shown again for bob']);
  });
});

describe('the per-account rate limit', () => {
  it('lets a burst through, then asks to wait, and refills over time', () => {
    let now = 0;
    const limit = new PeerRateLimit(() => ({ burst: 2, perSecond: 1 }), () => now);
    expect([limit.take(7), limit.take(7), limit.take(7)]).toEqual([0, 0, 1000]);
    expect(limit.take(8)).toBe(0); // another account has its own bucket
    now += 1000;
    expect(limit.take(7)).toBe(0);
  });
});
