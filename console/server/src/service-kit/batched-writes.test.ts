import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import type { ConsoleStore } from '../store/store';
import { BatchedWrites } from './batched-writes';

describe('BatchedWrites', () => {
  let dir: string;
  let store: ConsoleStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-batched-'));
    store = await openSqliteStore({ path: path.join(dir, 'console.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits concurrent writes in shared transactions, each resolving after its commit', async () => {
    let transactions = 0;
    const counted: ConsoleStore = Object.create(store) as ConsoleStore;
    counted.transaction = (fn) => {
      transactions += 1;
      return store.transaction(fn);
    };
    const batched = new BatchedWrites(counted);
    await Promise.all(Array.from({ length: 200 }, (_, i) => batched.run((tx) => tx.settings.set(`batched-${i}`, i))));
    // The first write starts a commit alone; the 199 queued behind it share the next one.
    expect(transactions).toBe(2);
    expect(await store.settings.get('batched-0')).toBe(0);
    expect(await store.settings.get('batched-199')).toBe(199);
  });

  it('fails only the bad write of a group; its neighbours still commit', async () => {
    const batched = new BatchedWrites(store);
    const writes = Array.from({ length: 20 }, (_, i) =>
      batched.run(async (tx) => {
        if (i === 15) throw new Error('bad write');
        await tx.settings.set(`w-${i}`, i);
      }),
    );
    const results = await Promise.allSettled(writes);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([{ status: 'rejected', reason: new Error('bad write') }]);
    expect(await store.settings.get('w-14')).toBe(14);
    expect(await store.settings.get('w-16')).toBe(16);
    expect(await store.settings.get('w-15')).toBeUndefined();
  });
});
