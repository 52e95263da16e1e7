import type { AlertNotification } from '@dlp/shared';
import { cefHeaderEscape, cefRecord, cefValueEscape, octetCountingFrame, syslogMessage, syslogPriority } from './syslog-format';

const notification: AlertNotification = {
  sentAt: 1_780_000_000,
  test: false,
  suppressedSinceLast: 2,
  alert: {
    id: '019a0000-0000-7000-8000-000000000001',
    ruleId: 'rule-1',
    ruleName: 'Burst | of = blocks',
    kind: 'threshold',
    severity: 'high',
    entity: { type: 'host', id: 'agent-1', label: 'ws-01' },
    title: 'five\\blocked | events\nagain',
    eventCount: 5,
    firedAt: '2026-05-01T00:00:00.000Z',
    state: 'open',
    resolvedAt: null,
    details: {},
    groupKey: '019a0000-0000-7000-8000-000000000001',
    acknowledged: null,
    resolvedBy: null,
    resolveNote: null,
  },
};

describe('CEF and RFC 5424 formatting', () => {
  it('escapes CEF header and extension values as the spec says', () => {
    expect(cefHeaderEscape('a|b\\c\nd')).toBe('a\\|b\\\\c d');
    expect(cefValueEscape('k=v\\w\r\nx\ry|z')).toBe('k\\=v\\\\w\\nx\\ry|z');
  });

  it('derives PRI from facility and severity', () => {
    expect(syslogPriority(13, 'critical')).toBe(106);
    expect(syslogPriority(13, 'high')).toBe(107);
    expect(syslogPriority(0, 'low')).toBe(5);
    expect(syslogPriority(23, 'medium')).toBe(188);
  });

  it('builds one CEF line with the alert fields, never a raw line break', () => {
    const cef = cefRecord(notification);
    expect(cef).not.toMatch(/[\r\n]/);
    expect(cef.startsWith('CEF:0|DLP|Endpoint DLP Console|0.1.0|threshold|five\\\\blocked \\| events again|8|')).toBe(true);
    expect(cef).toContain('cs1=Burst | of \\= blocks');
    expect(cef).toContain('externalId=019a0000-0000-7000-8000-000000000001');
    expect(cef).toContain('shost=ws-01');
    expect(cef).toContain('cnt=5');
    expect(cef).toContain('cn1=2');
    expect(cef).toContain('msg=five\\\\blocked | events\\nagain');
    expect(cef).toContain(`rt=${Date.parse('2026-05-01T00:00:00.000Z')}`);
  });

  it('writes an RFC 5424 header with sanitised tokens', () => {
    const at = new Date(1_780_000_000_000);
    const line = syslogMessage(notification, { facility: 13, hostname: 'console node', procId: '42', at });
    expect(line).toBe(`<107>1 ${at.toISOString()} console_node dlp-console 42 threshold - ${cefRecord(notification)}`);
  });

  it('frames TCP messages by octet count (bytes, not characters)', () => {
    expect(octetCountingFrame('héllo').toString('utf8')).toBe('6 héllo');
  });
});
