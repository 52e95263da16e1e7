import type { TriageFilters } from '../api';
import { hrefWithParams } from './hash-router';

/** The Search & triage page's route. */
export const SEARCH_PATH = '/search';

/**
 * Each search filter's name in the address (`#/search?agent=…&type=usb&from=…`) against its name in
 * the console's query. Short names for people who read or edit a link; the rest are the API's.
 * The group filter comes from links (the impact preview's drill-down); the form keeps it as a removable chip.
 */
const URL_KEY_OF_FILTER = {
  from: 'from',
  to: 'to',
  agentId: 'agent',
  host: 'host',
  user: 'user',
  type: 'type',
  action: 'action',
  severity: 'severity',
  ruleId: 'rule',
  device: 'device',
  deviceSerial: 'serial',
  sha256: 'sha256',
  q: 'q',
  triageState: 'triage',
  groupId: 'group',
} as const satisfies Record<keyof TriageFilters, string>;

type FilterKey = keyof typeof URL_KEY_OF_FILTER;
const FILTER_KEYS = Object.keys(URL_KEY_OF_FILTER) as FilterKey[];

/** The address key of the event whose triage drawer is open: `<agentId>:<seq>`. */
const EVENT_KEY = 'event';

/** Longest value taken from the address; the console's own limits are shorter. */
const MAX_VALUE = 300;

/** One event of the search, as the address names it. */
export interface EventRef {
  agentId: string;
  seq: number;
}

/** `YYYY-MM-DD` (a day typed by hand into a link) as the start of that local day; anything else as is. */
function instantOf(value: string): string {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])).toISOString() : value;
}

/**
 * The search's filters as they stand in the address. Values are kept as written (bounded): the
 * console validates them and names the wrong field, as it does for the form.
 */
export function searchFiltersFromParams(params: URLSearchParams): TriageFilters {
  const filters: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(URL_KEY_OF_FILTER[key])?.trim().slice(0, MAX_VALUE);
    if (value) filters[key] = key === 'from' || key === 'to' ? instantOf(value) : value;
  }
  return filters as TriageFilters;
}

/** The event whose drawer the address opens, or null. */
export function selectedEventOf(params: URLSearchParams): EventRef | null {
  const match = /^([0-9a-f-]{36}):([1-9][0-9]{0,15})$/.exec(params.get(EVENT_KEY) ?? '');
  return match?.[1] && match[2] ? { agentId: match[1], seq: Number(match[2]) } : null;
}

/** The address parameters of a search (and of the event whose drawer is open). */
export function paramsOfSearch(filters: TriageFilters, selected: EventRef | null = null): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = {};
  for (const key of FILTER_KEYS) params[URL_KEY_OF_FILTER[key]] = filters[key];
  if (selected) params[EVENT_KEY] = `${selected.agentId}:${selected.seq}`;
  return params;
}

/** A link that opens Search & triage with these filters (and this event's drawer). */
export function searchHref(filters: TriageFilters, selected: EventRef | null = null): string {
  return hrefWithParams(SEARCH_PATH, paramsOfSearch(filters, selected));
}
