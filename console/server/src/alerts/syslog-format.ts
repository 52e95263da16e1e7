import type { AlertNotification, Severity } from '@dlp/shared';

/** RFC 5424 severities: critical → 2 (crit), high → 3 (err), medium → 4 (warning), low → 5 (notice). */
const SYSLOG_SEVERITY: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5 };
/** CEF severities run 0–10. */
const CEF_SEVERITY: Record<Severity, number> = { critical: 10, high: 8, medium: 5, low: 3 };

export const CEF_VENDOR = 'DLP';
export const CEF_PRODUCT = 'Endpoint DLP Console';
export const CEF_VERSION = '0.1.0';
const APP_NAME = 'dlp-console';

/** `<PRI>` value: facility × 8 + severity. */
export function syslogPriority(facility: number, severity: Severity): number {
  return facility * 8 + SYSLOG_SEVERITY[severity];
}

/** CEF header fields: backslash and pipe are escaped; a line break would end the record, so it becomes a space. */
export function cefHeaderEscape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r\n|\r|\n/g, ' ');
}

/** CEF extension values: backslash and `=` are escaped, line breaks become the two characters `\n` (`\r`). */
export function cefValueEscape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r\n|\n/g, '\\n').replace(/\r/g, '\\r');
}

/** RFC 5424 header fields are printable US-ASCII without spaces; anything else becomes `_`. */
function headerToken(value: string, maxLength: number): string {
  const cleaned = value.replace(/[^\x21-\x7e]/g, '_').slice(0, maxLength);
  return cleaned === '' ? '-' : cleaned;
}

/** The CEF record of an alert notification. */
export function cefRecord(notification: AlertNotification): string {
  const alert = notification.alert;
  const header = [
    'CEF:0',
    cefHeaderEscape(CEF_VENDOR),
    cefHeaderEscape(CEF_PRODUCT),
    cefHeaderEscape(CEF_VERSION),
    cefHeaderEscape(alert.kind),
    cefHeaderEscape(alert.title),
    String(CEF_SEVERITY[alert.severity]),
  ].join('|');
  const extension: Array<[string, string | number]> = [
    ['rt', Date.parse(alert.firedAt)],
    ['externalId', alert.id],
    ['cat', alert.kind],
    ['cs1Label', 'rule'],
    ['cs1', alert.ruleName],
    ['cs2Label', 'ruleId'],
    ['cs2', alert.ruleId],
    ['cs3Label', 'state'],
    ['cs3', alert.state],
    ['cnt', alert.eventCount],
    ['cn1Label', 'suppressedSinceLast'],
    ['cn1', notification.suppressedSinceLast],
  ];
  if (alert.entity.type === 'user') extension.push(['suser', alert.entity.label]);
  else extension.push(['shost', alert.entity.label], ['deviceExternalId', alert.entity.id]);
  if (notification.test) extension.push(['cs4Label', 'test'], ['cs4', 'true']);
  extension.push(['msg', alert.title]);
  return `${header}|${extension.map(([key, value]) => `${key}=${cefValueEscape(String(value))}`).join(' ')}`;
}

export interface SyslogHeaderOptions {
  facility: number;
  /** This console's host name (RFC 5424 HOSTNAME). */
  hostname: string;
  procId: string;
  /** When the message is sent (RFC 5424 TIMESTAMP). */
  at: Date;
}

/** One RFC 5424 message whose MSG is the alert's CEF record (no structured data). */
export function syslogMessage(notification: AlertNotification, options: SyslogHeaderOptions): string {
  const pri = syslogPriority(options.facility, notification.alert.severity);
  const msgId = headerToken(notification.test ? 'test' : notification.alert.kind, 32);
  return `<${pri}>1 ${options.at.toISOString()} ${headerToken(options.hostname, 255)} ${APP_NAME} ${headerToken(options.procId, 128)} ${msgId} - ${cefRecord(notification)}`;
}

/** RFC 6587 octet counting: the message's length in bytes, a space, the message. */
export function octetCountingFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
