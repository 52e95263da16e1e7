import { DeliveryQueue } from './delivery-queue';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('DeliveryQueue', () => {
  it('retries with backoff and counts success after failures', async () => {
    const attempts: number[] = [];
    let failuresLeft = 2;
    const queue = new DeliveryQueue<string>({
      capacity: 10,
      maxAttempts: 5,
      baseDelayMs: 5,
      maxDelayMs: 20,
      send: async () => {
        attempts.push(Date.now());
        if (failuresLeft-- > 0) throw new Error('refused');
      },
    });
    queue.push('a');
    await queue.idle();
    expect(attempts).toHaveLength(3);
    expect(queue.counters).toMatchObject({ sent: 1, failed: 0, retries: 2, dropped: 0, lastError: 'refused' });
    expect(queue.queued).toBe(0);
  });

  it('gives up after maxAttempts and counts the failure', async () => {
    const queue = new DeliveryQueue<string>({ capacity: 10, maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, send: () => Promise.reject(new Error('down')) });
    queue.push('a');
    queue.push('b');
    await queue.idle();
    expect(queue.counters).toMatchObject({ sent: 0, failed: 2, retries: 4 });
  });

  it('drops the oldest waiting job when full, and push never waits on a stuck send', async () => {
    const gate = deferred();
    const sent: string[] = [];
    const queue = new DeliveryQueue<string>({
      capacity: 2,
      maxAttempts: 1,
      baseDelayMs: 1,
      maxDelayMs: 1,
      send: async (job) => {
        await gate.promise;
        sent.push(job);
      },
    });
    for (const job of ['a', 'b', 'c', 'd', 'e']) queue.push(job);
    // 'a' is in flight; of b..e only the newest two wait.
    expect(queue.queued).toBe(3);
    expect(queue.counters.dropped).toBe(2);
    gate.resolve();
    await queue.idle();
    expect(sent).toEqual(['a', 'd', 'e']);
  });

  it('close discards waiting jobs and ends a backoff', async () => {
    const queue = new DeliveryQueue<string>({ capacity: 5, maxAttempts: 10, baseDelayMs: 60_000, maxDelayMs: 60_000, send: () => Promise.reject(new Error('down')) });
    queue.push('a');
    queue.push('b');
    await new Promise((r) => setTimeout(r, 10));
    queue.close();
    await queue.idle();
    expect(queue.queued).toBe(0);
  });
});
