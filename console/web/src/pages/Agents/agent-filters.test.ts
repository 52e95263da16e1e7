import { NO_AGENT_FILTERS, filtersFromParams, isFiltered, paramsOfFilters, tableQueryOf } from './agent-filters';

function roundTrip(params: Record<string, string | undefined>): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) out.set(key, value);
  return out;
}

describe('agent table filters in the address', () => {
  it('reads back what it wrote, leaving defaults out', () => {
    const filters = { q: 'ws-1', condition: 'fail-open' as const, os: 'linux' as const, group: 'default', sort: 'lastSeen' as const, order: 'desc' as const, page: 3 };
    const params = paramsOfFilters(filters);
    expect(filtersFromParams(roundTrip(params))).toEqual(filters);
    expect(paramsOfFilters(NO_AGENT_FILTERS)).toEqual({ q: undefined, condition: undefined, os: undefined, group: undefined, sort: undefined, order: undefined, page: undefined });
  });

  it('falls back to no filter for values it does not know', () => {
    expect(filtersFromParams(new URLSearchParams('condition=green&os=beos&sort=colour&page=-2&group=a%20b'))).toEqual(NO_AGENT_FILTERS);
  });

  it('asks the console for the page at its offset with the filters set', () => {
    expect(tableQueryOf({ ...NO_AGENT_FILTERS, condition: 'degraded', q: '  bob ', page: 2 })).toEqual({ condition: 'degraded', search: 'bob', sort: 'host', order: 'asc', offset: 100, limit: 100 });
    expect(isFiltered({ ...NO_AGENT_FILTERS, page: 4, sort: 'os' })).toBe(false);
    expect(isFiltered({ ...NO_AGENT_FILTERS, os: 'windows' })).toBe(true);
  });
});
