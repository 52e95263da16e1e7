import { rolloutSegments } from './rollout-bar';

describe('rolloutSegments', () => {
  it('splits the bar in proportion and ends flush whatever the rounding', () => {
    const segments = rolloutSegments({ total: 3, applied: 1, pending: 1, failed: 1, offline: 0 }, 100);
    expect(segments.map((segment) => segment.width)).toEqual([33, 33, 34, 0]);
    expect(segments[2]?.x).toBe(66);
  });

  it('draws nothing for a group without agents', () => {
    expect(rolloutSegments({ total: 0, applied: 0, pending: 0, failed: 0, offline: 0 }, 100).every((segment) => segment.width === 0)).toBe(true);
  });
});
