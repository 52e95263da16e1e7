import { browserOffset, dailyBars, lastDays } from './report-range';

describe('report ranges', () => {
  it('formats the UTC offset the console expects', () => {
    expect(browserOffset()).toMatch(/^[+-]\d{2}:\d{2}$/);
  });

  it('covers whole local days ending today', () => {
    const { from, to } = lastDays(7, new Date(2026, 4, 10, 15, 0));
    expect(from).toBe(new Date(2026, 4, 4).toISOString());
    expect(to).toBe(new Date(2026, 4, 11).toISOString());
  });

  it('makes one bar per day, summing types and filling empty days', () => {
    const from = '2026-05-01T00:00:00.000Z';
    const to = '2026-05-04T00:00:00.000Z';
    const bars = dailyBars(
      [
        { start: '2026-05-01T00:00:00.000Z', type: 'app', action: 'blocked', count: 2 },
        { start: '2026-05-01T00:00:00.000Z', type: 'usb', action: 'blocked', count: 3 },
        { start: '2026-05-03T00:00:00.000Z', type: 'usb', action: 'would-block', count: 1 },
      ],
      from,
      to,
      (ms) => new Date(ms).toISOString().slice(5, 10),
    );
    expect(bars.map((b) => [b.label, b.values])).toEqual([
      ['05-01', { blocked: 5 }],
      ['05-02', {}],
      ['05-03', { 'would-block': 1 }],
    ]);
  });
});
