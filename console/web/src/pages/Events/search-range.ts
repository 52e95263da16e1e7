import type { TriageFilters } from '../../api';
import { paramsOfSearch, searchFiltersFromParams, type EventRef } from '../../router/event-search-link';

/** The time presets of Search & triage, as the address names them (`#/search?range=12h`). */
export const RANGE_PRESETS = ['1h', '12h', 'today', '7d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

/** The address key of the preset; it wins over `from`/`to` in the same address. */
export const RANGE_PARAM = 'range';

const HOUR_MS = 3_600_000;
const PRESET_SPAN_MS: Record<Exclude<RangePreset, 'today'>, number> = { '1h': HOUR_MS, '12h': 12 * HOUR_MS, '7d': 7 * 24 * HOUR_MS };

function isPreset(value: string | null): value is RangePreset {
  return (RANGE_PRESETS as readonly (string | null)[]).includes(value);
}

/** The preset in the address, or null (none, or a value that is not one). */
export function rangePresetOf(params: URLSearchParams): RangePreset | null {
  const value = params.get(RANGE_PARAM);
  return isPreset(value) ? value : null;
}

/** Where a preset starts, seen at `nowMs`: a span back from then, or the start of that local day. */
export function presetStart(preset: RangePreset, nowMs: number): Date {
  if (preset !== 'today') return new Date(nowMs - PRESET_SPAN_MS[preset]);
  const now = new Date(nowMs);
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

/** What the address asks for: its filters as written, and the preset (relative: resolved per search). */
export interface AddressSearch {
  filters: TriageFilters;
  preset: RangePreset | null;
}

/** The search in the address; with a preset, its own `from`/`to` are ignored. */
export function addressSearchOf(params: URLSearchParams): AddressSearch {
  const preset = rangePresetOf(params);
  const filters = searchFiltersFromParams(params);
  if (preset === null) return { filters, preset };
  const { from: _from, to: _to, ...rest } = filters;
  return { filters: rest, preset };
}

/** The filters the console gets: the preset turned into `from` as of `nowMs` (open-ended: no `to`). */
export function resolvedFilters(search: AddressSearch, nowMs: number): TriageFilters {
  return search.preset === null ? search.filters : { ...search.filters, from: presetStart(search.preset, nowMs).toISOString() };
}

/** The address parameters of a search: a preset replaces `from`/`to`, and the open drawer's event. */
export function paramsOfAddressSearch(search: AddressSearch, selected: EventRef | null = null): Record<string, string | undefined> {
  const filters = search.preset === null ? search.filters : { ...search.filters, from: undefined, to: undefined };
  return { ...paramsOfSearch(filters, selected), [RANGE_PARAM]: search.preset ?? undefined };
}
