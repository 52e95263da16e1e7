import { DistinctHashes, valueHashInto } from './distinct-hashes';

describe('DistinctHashes', () => {
  it('counts each value once, through many growths of the table', () => {
    const set = new DistinctHashes();
    const hash = new Int32Array(2);
    const newPerRound: number[] = [];
    for (let round = 0; round < 2; round++) {
      let added = 0;
      for (let i = 0; i < 50_000; i++) {
        valueHashInto(`1381234${String(i).padStart(5, '0')}`, hash);
        if (set.add(hash[0] ?? 0, hash[1] ?? 0)) added++;
      }
      newPerRound.push(added);
    }
    expect(newPerRound).toEqual([50_000, 0]);
    expect(set.size).toBe(50_000);
    valueHashInto('138123400001', hash);
    expect(set.has(hash[0] ?? 0, hash[1] ?? 0)).toBe(true);
    valueHashInto('not added', hash);
    expect(set.has(hash[0] ?? 0, hash[1] ?? 0)).toBe(false);
  });

  it('tells hashes apart by both halves', () => {
    const set = new DistinctHashes();
    expect(set.add(1, 2)).toBe(true);
    expect(set.add(1, 3)).toBe(true);
    expect(set.add(2, 2)).toBe(true);
    expect(set.add(1, 2)).toBe(false);
    expect(set.size).toBe(3);
  });
});
