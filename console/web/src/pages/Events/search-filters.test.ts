import { NO_SEARCH_FILTERS, localDayStart, toTriageFilters } from './search-filters';

describe('search filters', () => {
  it('leaves blanks out, trims, lowercases hashes and includes the whole "to" day', () => {
    const filters = toTriageFilters({ ...NO_SEARCH_FILTERS, host: '  交易-01 ', sha256: 'AB'.repeat(32), fromDate: '2026-05-01', toDate: '2026-05-01', triageState: 'new' });
    expect(filters).toEqual({
      host: '交易-01',
      sha256: 'ab'.repeat(32),
      triageState: 'new',
      from: new Date(2026, 4, 1).toISOString(),
      to: new Date(2026, 4, 2).toISOString(),
    });
    expect(toTriageFilters(NO_SEARCH_FILTERS)).toEqual({});
  });

  it('ignores a malformed day instead of sending it', () => {
    expect(localDayStart('2026-5-1')).toBeUndefined();
    expect(toTriageFilters({ ...NO_SEARCH_FILTERS, fromDate: 'yesterday' })).toEqual({});
  });
});
