import { sampleEvent } from '../test-samples';
import { fieldIssues } from '../validation';
import { agentEvent } from './event';

function pathsOf(input: unknown): string[] {
  const r = agentEvent.safeParse(input);
  return r.success ? [] : fieldIssues(r.error).map((i) => i.path);
}

describe('agentEvent', () => {
  it('accepts a blocked process event, a USB device event and a gap event', () => {
    expect(agentEvent.safeParse(sampleEvent()).success).toBe(true);
    expect(
      agentEvent.safeParse(
        sampleEvent({
          type: 'usb',
          subject: { kind: 'device', vendorId: '0781', productId: '5567', serial: '4C530001', interfaces: [8] },
        }),
      ).success,
    ).toBe(true);
    expect(
      agentEvent.safeParse(sampleEvent({ type: 'gap', action: 'info', ruleId: null, subject: { kind: 'gap', dropped: 10, fromSeq: 5, toSeq: 14 } })).success,
    ).toBe(true);
  });

  it('rejects bad ids, sequence numbers, actions and timestamps with their paths', () => {
    expect(pathsOf({ ...sampleEvent(), id: 'not-a-uuid' })).toEqual(['id']);
    expect(pathsOf({ ...sampleEvent(), seq: 0 })).toEqual(['seq']);
    expect(pathsOf({ ...sampleEvent(), action: 'exploded' })).toEqual(['action']);
    expect(pathsOf({ ...sampleEvent(), occurredAt: 'yesterday' })).toEqual(['occurredAt']);
  });

  it('checks subject details by kind', () => {
    const e = sampleEvent();
    expect(pathsOf({ ...e, subject: { ...e.subject, sha256: 'XYZ' } })).toEqual(['subject.sha256']);
    expect(pathsOf({ ...e, subject: { kind: 'device', vendorId: 'zz', productId: '0001' } })).toEqual(['subject.vendorId']);
    expect(pathsOf({ ...e, subject: { kind: 'telepathy' } })).toEqual(['subject.kind']);
  });

  it('says how a process subject was reached when it was no exec: loader or script, and by which program', () => {
    const e = sampleEvent();
    expect(pathsOf({ ...e, subject: { ...e.subject, via: 'script', interpreter: '/usr/bin/python3.11' } })).toEqual([]);
    expect(pathsOf({ ...e, subject: { ...e.subject, via: 'loader', interpreter: '/usr/lib64/ld-linux-x86-64.so.2' } })).toEqual([]);
    expect(pathsOf({ ...e, subject: { ...e.subject, via: 'exec' } })).toEqual(['subject.via']);
    expect(pathsOf({ ...e, subject: { ...e.subject, via: 'script', interpreter: 'python3' } })).toEqual(['subject.interpreter']);
  });

  it('keeps PII out: content events carry counts and redacted samples, never raw values', () => {
    const ok = sampleEvent({ type: 'content', subject: { kind: 'file', path: '/media/u/a.xlsx', matches: { 'cn-resident-id': 3 }, samples: ['110101********1234'] } });
    expect(agentEvent.safeParse(ok).success).toBe(true);
    const tooMany = { ...ok, subject: { kind: 'file', path: '/a', matches: {}, samples: Array(6).fill('x') } };
    expect(pathsOf(tooMany)).toEqual(['subject.samples']);
  });
});
