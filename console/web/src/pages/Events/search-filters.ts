import type { TriageFilters } from '../../api';

/** The search form's raw values (empty string: no filter). Dates are local calendar days. */
export interface SearchFormInput {
  fromDate: string;
  toDate: string;
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
}

export const NO_SEARCH_FILTERS: SearchFormInput = {
  fromDate: '',
  toDate: '',
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
};

/** Start of a local calendar day (`YYYY-MM-DD`) as an ISO instant; `dayOffset` 1 gives the next day's start. */
export function localDayStart(day: string, dayOffset = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + dayOffset).toISOString();
}

/**
 * The console's filters from the form: blanks left out, text trimmed, and the "to" day included
 * whole (the console's ranges are half-open, so it becomes the next day's start). Values are sent
 * as typed; the console validates them and answers with the field that is wrong.
 */
export function toTriageFilters(input: SearchFormInput): TriageFilters {
  const out: Record<string, string> = {};
  const from = localDayStart(input.fromDate);
  const to = localDayStart(input.toDate, 1);
  if (from) out.from = from;
  if (to) out.to = to;
  for (const key of ['host', 'user', 'type', 'action', 'severity', 'ruleId', 'device', 'deviceSerial', 'sha256', 'q', 'triageState'] as const) {
    const value = input[key].trim();
    if (value !== '') out[key] = key === 'sha256' || key === 'device' ? value.toLowerCase() : value;
  }
  return out as TriageFilters;
}
