import { sampleEvent, type TriageDetail, type TriagedEvent, type TriageInfo } from '@dlp/shared';
import { NO_OVERRIDES, triageOf, withBulk, withDetail } from './triage-overrides';

const AGENT = '0190a1b2-0000-7000-8000-000000000001';
const FP_A = 'A'.repeat(43);
const FP_B = 'B'.repeat(43);

function item(seq: number, fingerprint: string, triage: Partial<TriageInfo> = {}): TriagedEvent {
  return {
    event: { ...sampleEvent({ seq }), agentId: AGENT, receivedAt: '2026-05-01T08:00:00.000Z' },
    triage: { state: 'new', scope: null, fingerprint, updatedBy: null, updatedAt: null, ...triage },
    context: { group: null, policy: null },
  };
}

const ITEMS = [item(1, FP_A), item(2, FP_A, { state: 'escalated', scope: 'event', updatedBy: 'li' }), item(3, FP_A), item(4, FP_B)];
const states = (overrides: ReturnType<typeof withDetail>) => ITEMS.map((i) => `${i.event.seq}:${triageOf(i, overrides).state}:${String(triageOf(i, overrides).scope)}`);

describe('triage changes patched into the loaded list', () => {
  it('shows an event change on its row only', () => {
    const detail: TriageDetail = {
      agentId: AGENT,
      seq: 3,
      effective: { state: 'acknowledged', scope: 'event', fingerprint: FP_A, updatedBy: 'wang', updatedAt: '2026-05-01T09:00:00.000Z' },
      event: { state: 'acknowledged', updatedBy: 'wang', updatedAt: '2026-05-01T09:00:00.000Z' },
      group: null,
      history: [],
    };
    expect(states(withDetail(NO_OVERRIDES, ITEMS, detail))).toEqual(['1:new:null', '2:escalated:event', '3:acknowledged:event', '4:new:null']);
  });

  it('gives a group state to identical rows without a state of their own', () => {
    const record = { state: 'false-positive' as const, updatedBy: 'wang', updatedAt: '2026-05-01T09:00:00.000Z' };
    const detail: TriageDetail = { agentId: AGENT, seq: 1, effective: { ...record, scope: 'group', fingerprint: FP_A }, event: null, group: record, history: [] };
    expect(states(withDetail(NO_OVERRIDES, ITEMS, detail))).toEqual(['1:false-positive:group', '2:escalated:event', '3:false-positive:group', '4:new:null']);
  });

  it('shows a bulk change on each named row, keeping its fingerprint', () => {
    const overrides = withBulk(NO_OVERRIDES, ITEMS, {
      items: [1, 4, 99].map((seq) => ({ agentId: AGENT, seq, triage: { state: 'acknowledged' as const, scope: 'event' as const, updatedBy: 'wang', updatedAt: '2026-05-01T09:00:00.000Z' } })),
    });
    expect(states(overrides)).toEqual(['1:acknowledged:event', '2:escalated:event', '3:new:null', '4:acknowledged:event']);
    expect(ITEMS[3] && triageOf(ITEMS[3], overrides).fingerprint).toBe(FP_B);
    expect(overrides.size).toBe(2);
  });
});
