import { agentEvent, type AgentEvent } from '../schemas/event';
import { decodeFrame } from '../protocol-codec';
import { agentToConsoleMessage } from '../schemas/protocol';
import { PROTOCOL_VERSION } from '../limits';
import { uuidv7 } from '../ids';
import { redactBankCard, redactEmail, redactGeneric, redactMobile, redactResidentId, redactUscc } from './redaction';
import { isRedactedSample, redactedSampleOf } from './sample-guard';

const RAW_ID = '11010519900101123X';
const RAW_VALUES = [RAW_ID, '110105199001011234', '13812345678', '6222021234567890123', '6222 0212 3456 7890', '91350100M000100Y43', 'zhang.san@example.com', 'E12345678', '１３８１２３４５６７８', `${'110105199001011234'}***`, 'zhangsan***@example.com'];

function contentEvent(samples: string[]): unknown {
  return {
    id: uuidv7(),
    seq: 1,
    occurredAt: '2026-03-05T12:00:00.000Z',
    type: 'content',
    action: 'would-block',
    severity: 'medium',
    user: 'zhang',
    host: 'ws-1',
    ruleId: 'content:bulk-pii',
    policySerial: 3,
    subject: { kind: 'file', path: '/media/u/客户.csv', matches: { 'cn-resident-id': 12 }, samples },
  };
}

describe('content sample guard', () => {
  it('accepts what every detector redaction produces, and policy keywords', () => {
    const redacted = [redactResidentId('110105199001011234'), redactResidentId('110105900101123'), redactMobile('13812345678'), redactBankCard('6222021234567890123'), redactUscc('91350100M000100Y43'), redactEmail('zhang.san@example.com'), redactGeneric('E12345678'), redactGeneric('abc'), '机密', '客户名单2024'];
    for (const sample of redacted) expect({ sample, ok: isRedactedSample(sample) }).toEqual({ sample, ok: true });
  });

  it('refuses raw identifiers, with separators, full-width digits or a few stars added', () => {
    for (const sample of RAW_VALUES) expect({ sample, ok: isRedactedSample(sample) }).toEqual({ sample, ok: false });
  });

  it('masks a raw sample so none of its digit runs survive', () => {
    for (const sample of RAW_VALUES) {
      const masked = redactedSampleOf(sample);
      expect(isRedactedSample(masked)).toBe(true);
      expect(masked).not.toMatch(/\d{5,}/);
      expect(masked).not.toContain('zhang');
    }
    expect(redactedSampleOf('138****5678')).toBe('138****5678');
  });

  it('the event schema stores masked samples whatever the agent sent, on the compiled ingest path too', () => {
    const parsed = agentEvent.parse(contentEvent([RAW_ID, '110105********1234'])) as AgentEvent;
    expect(parsed.subject.kind === 'file' ? parsed.subject.samples : []).toEqual([redactGeneric(RAW_ID), '110105********1234']);
    const event = contentEvent(['13812345678', '6222 **** **** 1234']);
    const decoded = decodeFrame(agentToConsoleMessage, JSON.stringify({ v: PROTOCOL_VERSION, type: 'events', events: [event] }));
    expect(decoded.ok).toBe(true);
    const text = JSON.stringify(decoded);
    expect(text).not.toContain('13812345678');
    expect(text).toContain('6222 **** **** 1234');
  });
});
