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
  it('fails every item of a group at once when the error concerns the database, without retrying them one by one', async () => {
    const groups: number[][] = [];
    const down = Object.assign(new Error('connection lost'), { database: true });
    const queue = new CommitQueue<number, number>({
      maxWeight: 100,
      weight: () => 1,
      failsEveryItem: (err) => err === down,
      commit: async (group) => {
        groups.push(group);
        await new Promise((resolve) => setImmediate(resolve));
        throw down;
      },
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => queue.enqueue(n)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    // The first alone, then the three that queued behind it as one group: no item-by-item retries.
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps up to maxInFlight groups committing at once, each resolving after its own commit', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const finish: Array<() => void> = [];
    const groups: number[][] = [];
    const queue = new CommitQueue<number, number>({
      maxWeight: 2,
      weight: () => 1,
      maxInFlight: 2,
      commit: async (group) => {
        groups.push(group);
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise<void>((resolve) => finish.push(resolve));
        running -= 1;
        return group.map((n) => n * 10);
      },
    });
    const settled: number[] = [];
    const calls = [1, 2, 3, 4, 5].map((n) => queue.enqueue(n).then((r) => settled.push(r)));
    const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    await tick();
    // Both slots taken at once; 3, 4 and 5 queue for the next free slot.
    expect(groups).toEqual([[1], [2]]);
    // The second group commits first: only its item resolves, and the next group starts.
    finish[1]?.();
    await tick();
    expect(settled).toEqual([20]);
    expect(groups).toEqual([[1], [2], [3, 4]]);
    finish[0]?.();
    await tick();
    expect(settled).toEqual([20, 10]);
    expect(groups).toEqual([[1], [2], [3, 4], [5]]);
    finish[2]?.();
    finish[3]?.();
    await Promise.all(calls);
    expect(settled).toEqual([20, 10, 30, 40, 50]);
    expect(mostAtOnce).toBe(2);
  });
});
