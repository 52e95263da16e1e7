import { MINUTE_MS, bucketByMinute, niceAxisMax, totalsByAction } from './minute-buckets';

const NOW = Date.UTC(2026, 10, 28, 16, 30, 20); // 16:30:20

describe('bucketByMinute', () => {
  it('covers the last 60 whole minutes, the current minute last', () => {
    const buckets = bucketByMinute([], NOW);
    expect(buckets).toHaveLength(60);
    expect(buckets.at(-1)?.startMs).toBe(Date.UTC(2026, 10, 28, 16, 30));
    expect(buckets[0]?.startMs).toBe(Date.UTC(2026, 10, 28, 15, 31));
  });

  it('counts each event in its minute and stacks by action', () => {
    const at = (h: number, m: number, s: number) => Date.UTC(2026, 10, 28, h, m, s);
    const buckets = bucketByMinute(
      [
        { atMs: at(16, 30, 1), action: 'blocked' },
        { atMs: at(16, 30, 19), action: 'blocked' },
        { atMs: at(16, 30, 5), action: 'would-block' },
        { atMs: at(16, 29, 59), action: 'allowed' },
        { atMs: at(15, 31, 0), action: 'info' },
        { atMs: at(15, 30, 59), action: 'blocked' }, // older than the window
      ],
      NOW,
    );
    expect(buckets.at(-1)?.counts).toEqual({ blocked: 2, 'would-block': 1, allowed: 0, info: 0 });
    expect(buckets.at(-2)?.counts.allowed).toBe(1);
    expect(buckets[0]?.counts.info).toBe(1);
    expect(totalsByAction(buckets)).toEqual({ blocked: 2, 'would-block': 1, allowed: 1, info: 1 });
  });

  it('counts events from an agent clock a little ahead in the current minute', () => {
    const buckets = bucketByMinute([{ atMs: NOW + 2 * MINUTE_MS, action: 'blocked' }, { atMs: NOW + 60 * MINUTE_MS, action: 'blocked' }], NOW);
    expect(buckets.at(-1)?.total).toBe(1);
  });
});

describe('niceAxisMax', () => {
  it('rounds the peak up to a round number with a whole-number half', () => {
    expect([0, 1, 2, 3, 5, 7, 10, 11, 38, 101, 5000].map(niceAxisMax)).toEqual([1, 1, 2, 4, 6, 8, 10, 20, 40, 200, 6000]);
  });
});
