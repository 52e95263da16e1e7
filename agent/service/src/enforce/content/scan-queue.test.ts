import { ScanQueue } from './scan-queue';

describe('scan queue', () => {
  it('runs one path at a time, each waiting path once, and counts what did not fit once it has drained', async () => {
    const ran: string[] = [];
    const overflows: number[] = [];
    let release: () => void = () => undefined;
    const queue = new ScanQueue({
      maxPending: 2,
      concurrency: 1,
      run: async (path) => {
        ran.push(path);
        if (path === '/a') await new Promise<void>((resolve) => (release = resolve));
      },
      overflowed: (dropped) => overflows.push(dropped),
    });
    expect(queue.add('/a')).toBe(true); // runs at once
    expect(queue.add('/b')).toBe(true);
    expect(queue.add('/b')).toBe(true); // already waiting: not twice
    expect(queue.add('/c')).toBe(true);
    expect(queue.add('/d')).toBe(false);
    expect(queue.add('/e')).toBe(false);
    expect(queue.size).toBe(2);
    expect(overflows).toEqual([]);
    release();
    await queue.idle();
    expect(ran).toEqual(['/a', '/b', '/c']);
    expect(overflows).toEqual([2]);
  });

  it('keeps going after a scan fails, and drops waiting paths on clear', async () => {
    const ran: string[] = [];
    const queue = new ScanQueue({ maxPending: 10, concurrency: 2, run: async (path) => {
      ran.push(path);
      if (path === '/bad') throw new Error('EACCES');
    }, overflowed: () => undefined });
    queue.add('/bad');
    queue.add('/good');
    await queue.idle();
    expect(ran.sort()).toEqual(['/bad', '/good']);
    queue.clear();
    expect(queue.size).toBe(0);
  });

  it('lets a producer wait for room instead of overflowing, and wakes it on clear', async () => {
    const releases: (() => void)[] = [];
    const queue = new ScanQueue({ maxPending: 4, concurrency: 1, run: () => new Promise<void>((resolve) => releases.push(resolve)), overflowed: () => undefined });
    queue.add('/running');
    queue.add('/a');
    queue.add('/b');
    let roomed = false;
    const room = queue.waitForRoom(2).then(() => (roomed = true));
    await Promise.resolve();
    expect(roomed).toBe(false); // two wait: no room below 2
    releases.shift()?.(); // '/running' ends, '/a' starts: one waits
    await room;
    expect(queue.size).toBe(1);
    expect(queue.active).toBe(1);

    queue.add('/c');
    const cleared = queue.waitForRoom(2);
    queue.clear();
    await cleared;
    expect(queue.size).toBe(0);
    for (const release of releases) release();
    await queue.idle();
  });
});
