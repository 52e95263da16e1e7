import { Backoff } from './backoff';

describe('backoff', () => {
  it('doubles its ceiling up to the cap and starts over after a reset', () => {
    const backoff = new Backoff(500, 30_000, () => 0.999999);
    const ceilings = Array.from({ length: 9 }, () => backoff.next());
    expect(ceilings).toEqual([499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999]);
    backoff.reset();
    expect(backoff.next()).toBe(499);
  });

  it('keeps the short ceiling for the first part of an outage, then grows to the cap; a reset starts a new outage', () => {
    let now = 0;
    const backoff = new Backoff(500, 30_000, () => 0.999999, { fastCapMs: 3000, fastWindowMs: 15 * 60_000, now: () => now });
    const early = Array.from({ length: 8 }, () => backoff.next());
    expect(early).toEqual([499, 999, 1999, 2999, 2999, 2999, 2999, 2999]);
    now = 15 * 60_000;
    expect(backoff.next()).toBe(29_999);
    backoff.reset();
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([499, 999, 1999, 2999, 2999]);
  });

  it('spreads a Retry-After the console asked for over half to one and a half of it', () => {
    expect(new Backoff(500, 30_000, () => 0).after(2000)).toBe(1000);
    expect(new Backoff(500, 30_000, () => 0.999999).after(2000)).toBe(2999);
  });

  it('spreads delays over the whole window (full jitter)', () => {
    const backoff = new Backoff(500, 30_000, () => 0);
    expect(backoff.next()).toBe(0);
  });
});
