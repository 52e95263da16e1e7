import type { EventAction, EventSubject, EventType, ReportLanguage, Severity, TriageState } from '@dlp/shared';
import type { ExportedEvent } from '../triage/triage-walk';
import type { CsvValue } from '../service-kit/csv-format';
import { REPORT_TEXTS } from './report-texts';

/** How the coded columns (type, action, severity, triage state) read in one language. */
export interface CsvValueTexts {
  type(value: EventType): string;
  action(value: EventAction): string;
  severity(value: Severity): string;
  triageState(value: TriageState): string;
}

const SEVERITY_ZH: Record<Severity, string> = { low: '低', medium: '中', high: '高', critical: '严重' };
const TRIAGE_ZH: Record<TriageState, string> = { new: '新', acknowledged: '已确认', 'false-positive': '误报', escalated: '已上报' };

/**
 * English keeps the codes themselves (what scripts and the API use); other languages get words,
 * so a Chinese export has no English in its cells beyond names, paths and hashes.
 */
export function csvValueTexts(language: ReportLanguage): CsvValueTexts {
  if (language === 'en') return { type: (v) => v, action: (v) => v, severity: (v) => v, triageState: (v) => v };
  const texts = REPORT_TEXTS[language];
  return { type: (v) => texts.types[v], action: (v) => texts.actions[v], severity: (v) => SEVERITY_ZH[v], triageState: (v) => TRIAGE_ZH[v] };
}


const HEADERS: Record<ReportLanguage, readonly string[]> = {
  en: ['Time (UTC)', 'Local time', 'Agent clock (UTC)', 'Host', 'User', 'Type', 'Action', 'Severity', 'Rule', 'Subject', 'SHA-256', 'Device', 'Triage state', 'Triaged by', 'Agent', 'Sequence', 'Event id'],
  'zh-CN': ['时间 (UTC)', '本地时间', '终端时钟 (UTC)', '主机', '用户', '类型', '动作', '严重程度', '规则', '对象', 'SHA-256', '设备', '处置状态', '处置人', '终端', '序号', '事件 ID'],
};

/** The header row; the local-time column names its zone so a reader knows what "local" was. */
export function eventCsvHeader(language: ReportLanguage, timeZone: string): string[] {
  const header = [...HEADERS[language]];
  header[1] = `${header[1] ?? ''} (${timeZone})`;
  return header;
}

/** What the event was about, in one line a person can read. */
export function subjectText(subject: EventSubject): string {
  switch (subject.kind) {
    case 'process':
      return `${subject.name} (${subject.exePath})`;
    case 'file':
      return subject.path;
    case 'device':
      return [subject.vendorName, subject.productName, subject.mountPoint, subject.outcome].filter((part) => part !== undefined && part !== '').join(' ');
    case 'policy':
      return subject.reason;
    case 'agent':
      return subject.message;
    case 'gap':
      return `${subject.dropped} dropped (${subject.fromSeq}-${subject.toSeq})`;
  }
}

function subjectSha256(subject: EventSubject): string | null {
  return (subject.kind === 'process' || subject.kind === 'file') && subject.sha256 !== undefined ? subject.sha256 : null;
}

/** USB identity: vendor:product and serial, the way device rules name it. */
export function deviceText(subject: EventSubject): string | null {
  if (subject.kind !== 'device') return null;
  return subject.serial !== undefined ? `${subject.vendorId}:${subject.productId} ${subject.serial}` : `${subject.vendorId}:${subject.productId}`;
}

/** Formats instants as `YYYY-MM-DD HH:mm:ss GMT+08:00` in one zone (one formatter for the whole export). */
export function localTimeFormatter(timeZone: string): (iso: string) => string {
  const format = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    timeZoneName: 'longOffset',
  });
  return (iso) => format.format(new Date(iso));
}

/**
 * The row's fields in header order. The time columns are where the console placed the event
 * (`placedAt`: corrected for the agent's measured clock offset, as search and reports place it);
 * the agent's own `occurredAt` is kept beside them as evidence (docs/API.md, event times).
 */
export function eventCsvFields(row: ExportedEvent, localTime: (iso: string) => string, values: CsvValueTexts = csvValueTexts('en')): CsvValue[] {
  const { event, triage } = row;
  const placedAt = event.placedAt ?? event.occurredAt;
  return [
    new Date(placedAt).toISOString(),
    localTime(placedAt),
    new Date(event.occurredAt).toISOString(),
    event.host,
    event.user,
    values.type(event.type),
    values.action(event.action),
    values.severity(event.severity),
    event.ruleId,
    subjectText(event.subject),
    subjectSha256(event.subject),
    deviceText(event.subject),
    values.triageState(triage.state),
    triage.updatedBy,
    event.agentId,
    event.seq,
    event.id,
  ];
}
