import { agentEvent } from '@dlp/shared';
import { FakeHostInfo } from '../platform/fake/fake-platform';
import { EventFactory, sanitizeName } from './event-factory';

describe('event factory', () => {
  const host = new FakeHostInfo();
  const factory = new EventFactory({ host, hostname: 'ws-test-01', now: () => new Date('2026-11-28T10:00:00Z') });

  it('fills id, time, host, user from the uid and the policy in force', async () => {
    factory.setPolicySerial(12);
    const draft = await factory.create({ type: 'app', action: 'blocked', severity: 'medium', ruleId: 'r1', uid: 1000, subject: { kind: 'process', pid: 5, exePath: '/tmp/x', name: 'x', method: 'proc-scan' } });
    expect(draft).toMatchObject({ occurredAt: '2026-11-28T10:00:00.000Z', host: 'ws-test-01', user: 'alice', ruleId: 'r1', policySerial: 12 });
    expect(agentEvent.safeParse({ ...draft, seq: 1 }).success).toBe(true);
  });

  it('names an unknown uid rather than dropping it', async () => {
    const draft = await factory.create({ type: 'app', action: 'would-block', severity: 'low', uid: 4321, subject: { kind: 'process', pid: 5, exePath: '/tmp/x', name: 'x', method: 'proc-scan' } });
    expect(draft.user).toBe('uid:4321');
  });

  it('attributes USB events without a uid to the user at the console, other events only when asked', async () => {
    const device = { kind: 'device' as const, vendorId: '0781', productId: '5567', interfaces: [8], outcome: 'device-blocked' as const };
    expect((await factory.create({ type: 'usb', action: 'blocked', severity: 'high', subject: device })).user).toBe('alice');
    expect((await factory.create({ type: 'usb', action: 'blocked', severity: 'high', subject: device, consoleUser: false })).user).toBeNull();
    const note = { kind: 'agent' as const, message: 'x' };
    expect((await factory.create({ type: 'agent', action: 'info', severity: 'low', subject: note })).user).toBeNull();
    expect((await factory.create({ type: 'agent', action: 'info', severity: 'low', subject: note, consoleUser: true })).user).toBe('alice');
  });

  it('turns a hostile process name into a valid event instead of losing it', async () => {
    const name = `evil\nname\u0007${'x'.repeat(400)}`;
    const draft = await factory.create({ type: 'app', action: 'blocked', severity: 'medium', subject: { kind: 'process', pid: 5, exePath: `/tmp/${name}`, name, method: 'proc-scan' } });
    expect(agentEvent.safeParse({ ...draft, seq: 1 }).success).toBe(true);
    expect(draft.subject).toMatchObject({ name: expect.stringMatching(/^evil\uFFFDname\uFFFDx+$/) });
    expect(sanitizeName('')).toBe('?');
  });
});
