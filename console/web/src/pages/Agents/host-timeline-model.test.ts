import { sampleEvent, type AgentSummary, type AuditEntry, type StoredEvent } from '@dlp/shared';
import { buildTimeline } from './host-timeline-model';

const AGENT_ID = '0190a1b2-0000-7000-8000-000000000001';

function agent(overrides: Partial<AgentSummary> = {}): AgentSummary {
  return {
    id: AGENT_ID,
    info: { hostname: 'ws-01', os: 'linux', osVersion: '12', agentVersion: '0.1.0', user: 'alice' },
    online: false,
    enrolledAt: '2026-05-01T08:00:00.000Z',
    lastSeenAt: '2026-05-03T08:00:00.000Z',
    revoked: false,
    policySerial: 6,
    capabilities: null,
    ackedSeq: 3,
    lastPolicyReceipt: { serial: 7, hash: 'a'.repeat(64), status: 'rejected', error: 'signature does not verify', receivedAt: '2026-05-02T08:00:00.000Z' },
    ...overrides,
  };
}

function stored(seq: number, at: string, overrides: Partial<StoredEvent> = {}): StoredEvent {
  return { ...sampleEvent({ seq, occurredAt: at }), agentId: AGENT_ID, receivedAt: at, ...overrides };
}

const move: AuditEntry = {
  id: 4,
  at: '2026-05-01T09:00:00.000Z',
  actor: { kind: 'user', id: 'u1', username: 'admin', role: 'admin' },
  action: 'agent.move',
  target: { type: 'agent', id: AGENT_ID },
  sourceIp: null,
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
};

describe('host timeline', () => {
  it('merges enrollment, the last receipt, the agent’s reports and audit entries, newest first, red only for problems', () => {
    const refused = stored(2, '2026-05-02T10:00:00.000Z', { type: 'policy', action: 'blocked', severity: 'high', subject: { kind: 'policy', reason: 'rollback' } });
    const restart = stored(3, '2026-05-02T11:00:00.000Z', { type: 'agent', action: 'info', severity: 'low', subject: { kind: 'agent', message: 'exec helper restarted' } });
    const gap = stored(1, '2026-05-01T12:00:00.000Z', { type: 'gap', action: 'info', severity: 'medium', subject: { kind: 'gap', dropped: 4, fromSeq: 1, toSeq: 4 } });
    // The policy query and the agent query may both return an event: it shows once.
    const timeline = buildTimeline(agent(), [refused, restart, gap, refused], [move]);
    expect(timeline.map((e) => [e.kind, e.at, e.tone])).toEqual([
      ['last-contact', '2026-05-03T08:00:00.000Z', 'normal'],
      ['event', '2026-05-02T11:00:00.000Z', 'normal'],
      ['event', '2026-05-02T10:00:00.000Z', 'problem'],
      ['receipt', '2026-05-02T08:00:00.000Z', 'problem'],
      ['event', '2026-05-01T12:00:00.000Z', 'warning'],
      ['audit', '2026-05-01T09:00:00.000Z', 'normal'],
      ['enrolled', '2026-05-01T08:00:00.000Z', 'normal'],
    ]);
  });

  it('places an event by the console’s clock, and shows no last contact while online', () => {
    const late = stored(1, '2026-05-01T10:00:00.000Z', { type: 'agent', action: 'info', severity: 'low', placedAt: '2026-05-01T10:05:00.000Z', subject: { kind: 'agent', message: 'm' } });
    const timeline = buildTimeline(agent({ online: true, lastPolicyReceipt: { serial: 7, hash: 'b'.repeat(64), status: 'applied', error: null, receivedAt: '2026-05-01T09:00:00.000Z' } }), [late], []);
    expect(timeline.map((e) => [e.kind, e.at, e.tone])).toEqual([
      ['event', '2026-05-01T10:05:00.000Z', 'normal'],
      ['receipt', '2026-05-01T09:00:00.000Z', 'normal'],
      ['enrolled', '2026-05-01T08:00:00.000Z', 'normal'],
    ]);
  });
});
