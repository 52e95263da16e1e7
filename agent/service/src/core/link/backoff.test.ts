import { Backoff } from './backoff';

describe('backoff', () => {
  it('doubles its ceiling up to the cap and starts over after a reset', () => {
    const backoff = new Backoff(500, 30_000, () => 0.999999);
    const ceilings = Array.from({ length: 9 }, () => backoff.next());
    expect(ceilings).toEqual([499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999]);
    backoff.reset();
    expect(backoff.next()).toBe(499);
  });

  it('spreads delays over the whole window (full jitter)', () => {
    const backoff = new Backoff(500, 30_000, () => 0);
    expect(backoff.next()).toBe(0);
  });
});
