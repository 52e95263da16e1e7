import { addressSearchOf, paramsOfAddressSearch, presetStart, rangePresetOf, resolvedFilters } from './search-range';

const NOW = new Date(2026, 4, 6, 15, 45, 10).getTime();

describe('time presets of the search', () => {
  it('start a span back from now, or at the start of the local day', () => {
    expect(presetStart('1h', NOW).getTime()).toBe(NOW - 3_600_000);
    expect(presetStart('12h', NOW).getTime()).toBe(NOW - 12 * 3_600_000);
    expect(presetStart('7d', NOW).getTime()).toBe(NOW - 7 * 24 * 3_600_000);
    expect(presetStart('today', NOW)).toEqual(new Date(2026, 4, 6));
  });

  it('live in the address as range=…, win over from/to there, and resolve per search', () => {
    const params = new URLSearchParams('range=12h&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&type=usb');
    const search = addressSearchOf(params);
    expect(search).toEqual({ filters: { type: 'usb' }, preset: '12h' });
    expect(resolvedFilters(search, NOW)).toEqual({ type: 'usb', from: new Date(NOW - 12 * 3_600_000).toISOString() });
    expect(paramsOfAddressSearch(search, { agentId: '0190a1b2-0000-7000-8000-000000000001', seq: 7 })).toMatchObject({
      range: '12h',
      type: 'usb',
      from: undefined,
      to: undefined,
      event: '0190a1b2-0000-7000-8000-000000000001:7',
    });
  });

  it('ignore an unknown preset and keep exact times', () => {
    expect(rangePresetOf(new URLSearchParams('range=forever'))).toBeNull();
    const exact = addressSearchOf(new URLSearchParams('range=2d&from=2026-01-01T00:00:00Z'));
    expect(exact).toEqual({ filters: { from: '2026-01-01T00:00:00Z' }, preset: null });
    expect(resolvedFilters(exact, NOW)).toEqual({ from: '2026-01-01T00:00:00Z' });
    expect(paramsOfAddressSearch(exact)).toMatchObject({ from: '2026-01-01T00:00:00Z', range: undefined });
  });
});
