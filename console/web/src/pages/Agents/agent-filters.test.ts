import { NO_AGENT_FILTERS, filterSetOf, filtersFromParams, filtersOfSet, isFiltered, paramsOfFilters, sameFilters } from './agent-filters';

function roundTrip(params: Record<string, string | undefined>): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) out.set(key, value);
  return out;
}

describe('agent table filters in the address', () => {
  it('reads back what it wrote, leaving defaults out', () => {
    const filters = { q: 'ws-1', condition: 'fail-open' as const, os: 'linux' as const, group: 'default', sort: 'lastSeen' as const, order: 'desc' as const };
    const params = paramsOfFilters(filters);
    expect(filtersFromParams(roundTrip(params))).toEqual(filters);
    expect(paramsOfFilters(NO_AGENT_FILTERS)).toEqual({ q: undefined, condition: undefined, os: undefined, group: undefined, sort: undefined, order: undefined });
  });

  it('falls back to no filter for values it does not know, and ignores the paged table’s page=', () => {
    expect(filtersFromParams(new URLSearchParams('condition=green&os=beos&sort=colour&page=-2&group=a%20b'))).toEqual(NO_AGENT_FILTERS);
    expect(filtersFromParams(new URLSearchParams('page=3&os=windows'))).toEqual({ ...NO_AGENT_FILTERS, os: 'windows' });
  });

  it('turns into the console’s filter set and back (saved filters, CSV export)', () => {
    const filters = { ...NO_AGENT_FILTERS, condition: 'degraded' as const, q: '  bob ', group: 'kiosks' };
    const set = filterSetOf(filters);
    expect(set).toEqual({ condition: 'degraded', search: 'bob', groupId: 'kiosks', sort: 'host', order: 'asc' });
    expect(filtersOfSet(set)).toEqual({ ...filters, q: 'bob' });
    expect(filtersOfSet({})).toEqual(NO_AGENT_FILTERS);
    expect(sameFilters(filters, { ...filters, q: 'bob' })).toBe(true);
    expect(sameFilters(filters, { ...filters, order: 'desc' })).toBe(false);
    expect(isFiltered({ ...NO_AGENT_FILTERS, sort: 'os' })).toBe(false);
    expect(isFiltered({ ...NO_AGENT_FILTERS, os: 'windows' })).toBe(true);
  });
});
