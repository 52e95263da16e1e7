import { CommitQueue } from './commit-queue';

describe('CommitQueue', () => {
  it('groups items that queue behind a commit up to the weight bound, resolving each with its own result', async () => {
    const groups: number[][] = [];
    const queue = new CommitQueue<number, string>({
      maxWeight: 10,
      weight: (n) => n,
      commit: async (group) => {
        groups.push(group);
        await new Promise((resolve) => setImmediate(resolve));
        return group.map((n) => `committed ${n}`);
      },
    });
    const results = await Promise.all([1, 4, 4, 4, 12, 1].map((n) => queue.enqueue(n)));
    expect(results).toEqual(['committed 1', 'committed 4', 'committed 4', 'committed 4', 'committed 12', 'committed 1']);
    // The first commits alone; then as many as fit in 10; an item heavier than the bound goes alone.
    expect(groups).toEqual([[1], [4, 4], [4], [12], [1]]);
  });

  it('retries a failed group item by item so only the bad item fails', async () => {
    const queue = new CommitQueue<number, number>({
      maxWeight: 100,
      weight: () => 1,
      commit: async (group) => {
        if (group.includes(3)) throw new Error('bad item');
        return group.map((n) => n * 2);
      },
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => queue.enqueue(n)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'fulfilled', value: 4 },
      { status: 'rejected', reason: new Error('bad item') },
      { status: 'fulfilled', value: 8 },
    ]);
  });
});
