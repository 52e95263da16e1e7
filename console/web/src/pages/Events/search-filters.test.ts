import { formOfFilters, instantOfLocalInput, localInputOf, NO_SEARCH_FILTERS, toTriageFilters } from './search-filters';

describe('search filters', () => {
  it('leaves blanks out, trims, lowercases hashes and turns local times into instants', () => {
    const filters = toTriageFilters({ ...NO_SEARCH_FILTERS, host: '  交易-01 ', sha256: 'AB'.repeat(32), from: '2026-05-01T08:30', to: '2026-05-02T00:00', triageState: 'new' });
    expect(filters).toEqual({
      host: '交易-01',
      sha256: 'ab'.repeat(32),
      triageState: 'new',
      from: new Date(2026, 4, 1, 8, 30).toISOString(),
      to: new Date(2026, 4, 2).toISOString(),
    });
    expect(toTriageFilters(NO_SEARCH_FILTERS)).toEqual({});
  });

  it('ignores a malformed time instead of sending it', () => {
    expect(instantOfLocalInput('2026-5-1')).toBeUndefined();
    expect(toTriageFilters({ ...NO_SEARCH_FILTERS, from: 'yesterday' })).toEqual({});
  });

  it('round-trips the address: the form shows the filters, and an untouched time keeps its exact instant', () => {
    const linked = { agentId: '0190a1b2-0000-7000-8000-000000000001', type: 'bypass', from: new Date(2026, 4, 1, 8, 30, 15, 250).toISOString() } as const;
    const form = formOfFilters(linked);
    expect(form).toEqual({ ...NO_SEARCH_FILTERS, agentId: linked.agentId, type: 'bypass', from: '2026-05-01T08:30:15' });
    expect(toTriageFilters(form, linked)).toEqual(linked);
    // Edited: the new local time, to the second the input shows.
    expect(toTriageFilters({ ...form, from: '2026-05-01T09:00' }, linked).from).toBe(new Date(2026, 4, 1, 9, 0).toISOString());
    expect(localInputOf('not a time')).toBe('');
  });

  it('keeps a linked group filter through an edit of the form (the impact preview drills down by group)', () => {
    const linked = { groupId: 'trading', type: 'app', action: 'blocked' } as const;
    const form = formOfFilters(linked);
    expect(form.groupId).toBe('trading');
    expect(toTriageFilters({ ...form, host: 'ws-01' }, linked)).toEqual({ ...linked, host: 'ws-01' });
    expect(toTriageFilters({ ...form, groupId: '' }, linked)).toEqual({ type: 'app', action: 'blocked' });
  });
});
