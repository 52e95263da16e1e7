import type { TriageFilters } from '../../api';

/**
 * The search form's raw values (empty string: no filter). `from` and `to` are local date-times as a
 * `datetime-local` input holds them (`2026-05-01T08:30`).
 */
export interface SearchFormInput {
  from: string;
  to: string;
  agentId: string;
  host: string;
  user: string;
  type: string;
  action: string;
  severity: string;
  ruleId: string;
  device: string;
  deviceSerial: string;
  sha256: string;
  q: string;
  triageState: string;
  /** The group the events were recorded in: set by links (the impact preview's drill-down), shown as a removable chip. */
  groupId: string;
}

export const NO_SEARCH_FILTERS: SearchFormInput = {
  from: '',
  to: '',
  agentId: '',
  host: '',
  user: '',
  type: '',
  action: '',
  severity: '',
  ruleId: '',
  device: '',
  deviceSerial: '',
  sha256: '',
  q: '',
  triageState: '',
  groupId: '',
};

const TEXT_KEYS = ['agentId', 'host', 'user', 'type', 'action', 'severity', 'ruleId', 'device', 'deviceSerial', 'sha256', 'q', 'triageState', 'groupId'] as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a `datetime-local` value in the browser's time zone (seconds only when not zero); '' when not a time. */
export function localInputOf(iso: string | undefined): string {
  const ms = iso === undefined ? NaN : Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms);
  const minutes = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.getSeconds() === 0 && d.getMilliseconds() === 0 ? minutes : `${minutes}:${pad(d.getSeconds())}`;
}

/** A `datetime-local` value (local time) as an ISO instant; undefined when blank or malformed. */
export function instantOfLocalInput(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * The console's filters from the form: blanks left out, text trimmed, hashes and device ids in lower
 * case, times as instants. Values are sent as typed; the console validates them and answers with
 * the field that is wrong. `applied` keeps an instant that the form shows unchanged exactly as it was
 * (a link's `from` may carry milliseconds the input cannot show).
 */
export function toTriageFilters(input: SearchFormInput, applied: TriageFilters = {}): TriageFilters {
  const out: Record<string, string> = {};
  for (const key of ['from', 'to'] as const) {
    const kept = applied[key];
    const instant = kept !== undefined && localInputOf(kept) === input[key] ? kept : instantOfLocalInput(input[key]);
    if (instant) out[key] = instant;
  }
  for (const key of TEXT_KEYS) {
    const value = input[key].trim();
    if (value !== '') out[key] = key === 'sha256' || key === 'device' ? value.toLowerCase() : value;
  }
  return out as TriageFilters;
}

/** The form showing `filters` (the search in the address). */
export function formOfFilters(filters: TriageFilters): SearchFormInput {
  const form: SearchFormInput = { ...NO_SEARCH_FILTERS, from: localInputOf(filters.from), to: localInputOf(filters.to) };
  for (const key of TEXT_KEYS) form[key] = filters[key] ?? '';
  return form;
}
