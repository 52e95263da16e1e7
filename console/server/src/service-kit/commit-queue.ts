/** What a {@link CommitQueue} needs to know about its items. */
export interface CommitQueueOptions<T, R> {
  /** Upper bound on the summed weight of one group; a group always takes at least one item. */
  maxWeight: number;
  /** How much of `maxWeight` an item uses (1 for "count the items"). */
  weight(item: T): number;
  /**
   * Commits `group` in one transaction and returns one result per item, in order. Throwing fails
   * the group, which is then retried item by item so one bad item does not fail its neighbours.
   */
  commit(group: T[]): Promise<R[]>;
  /**
   * Groups committed at the same time (default 1). Above 1 the store must allow concurrent
   * transactions and the commit must keep them from deadlocking each other (PostgreSQL); a group
   * is still taken only when a slot is free, so items keep queueing into the next group meanwhile.
   */
  maxInFlight?: number;
  /**
   * Whether a failed group's error concerns the database rather than an item (a lost connection,
   * a full disk): then every item fails at once, as retrying them one by one cannot help and
   * would only hold each caller for another failed transaction (another timeout).
   */
  failsEveryItem?(err: unknown): boolean;
}

interface Pending<T, R> {
  item: T;
  resolve(result: R): void;
  reject(err: unknown): void;
}

/**
 * Group commit: items that arrive while a commit is in flight are committed together in the next
 * transaction, so many callers share one fsync instead of paying one each. Every call still
 * resolves only after the transaction holding its item committed, so acks stay truthful.
 */
export class CommitQueue<T, R> {
  private queue: Pending<T, R>[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;

  constructor(private readonly options: CommitQueueOptions<T, R>) {
    this.maxInFlight = Math.max(1, Math.floor(options.maxInFlight ?? 1));
  }

  /** Queues `item`; resolves with its result once the transaction holding it committed. */
  enqueue(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** Starts groups while there is work and a free slot; each finished group calls back here. */
  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const group = this.takeGroup();
      this.inFlight += 1;
      void this.commitGroup(group).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async commitGroup(group: Pending<T, R>[]): Promise<void> {
    try {
      this.settle(group, await this.options.commit(group.map((p) => p.item)));
    } catch (err) {
      if (group.length === 1 || this.options.failsEveryItem?.(err) === true) {
        for (const pending of group) pending.reject(err);
        return;
      }
      // Find the culprit: retry each alone, so one bad item does not fail its neighbours.
      for (const pending of group) {
        try {
          this.settle([pending], await this.options.commit([pending.item]));
        } catch (single) {
          pending.reject(single);
        }
      }
    }
  }

  private takeGroup(): Pending<T, R>[] {
    let weight = 0;
    let count = 0;
    for (const pending of this.queue) {
      const next = this.options.weight(pending.item);
      if (count > 0 && weight + next > this.options.maxWeight) break;
      weight += next;
      count += 1;
    }
    return this.queue.splice(0, count);
  }

  private settle(group: Pending<T, R>[], results: R[]): void {
    // `commit` returns one result per item by contract, so index i is present.
    group.forEach((pending, i) => pending.resolve(results[i] as R));
  }
}
