import type { ConsoleStore, StoreTransaction } from '../store/store';
import { CommitQueue } from './commit-queue';

type Write = (tx: StoreTransaction) => Promise<void>;

/**
 * Most small writes in one transaction: bounds how long the first of a group waits and how long
 * the store is held, while 10,000 agents' heartbeats and receipts still share a few fsyncs.
 */
const MAX_WRITES_PER_COMMIT = 2000;

/**
 * Group commit for small per-agent writes (heartbeats, hellos, receipts, offline marks). With
 * synchronous=FULL each commit costs an fsync, so one transaction per heartbeat caps a node at a
 * few hundred agents' heartbeats per second and queues everything else (a policy publish) behind
 * them. Writes that arrive while a commit is in flight share the next transaction; each call still
 * resolves only after the transaction holding it committed. A failing write fails alone.
 */
export class BatchedWrites {
  private readonly queue: CommitQueue<Write, void>;

  constructor(store: ConsoleStore) {
    this.queue = new CommitQueue<Write, void>({
      maxWeight: MAX_WRITES_PER_COMMIT,
      weight: () => 1,
      commit: (group) =>
        store.transaction(async (tx) => {
          for (const write of group) await write(tx);
          return group.map(() => undefined);
        }),
    });
  }

  /** Runs `write` inside a shared transaction; resolves after that transaction committed. */
  run(write: Write): Promise<void> {
    return this.queue.enqueue(write);
  }
}
