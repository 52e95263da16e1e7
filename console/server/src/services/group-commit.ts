import type { StoredEvent } from '@dlp/shared';
import type { ConsoleStore, EventKey } from '../store/store';

/** One agent batch waiting for its commit. */
interface PendingBatch {
  agentId: string;
  events: StoredEvent[];
  upTo: number;
  seenAt: string;
  resolve(stored: StoredEvent[]): void;
  reject(err: unknown): void;
}

/**
 * Most events written in one transaction. Bounds the latency of the first batch of a group and the
 * size of one SQLite transaction while still sharing a commit (an fsync with synchronous=FULL)
 * among many agents.
 */
const MAX_EVENTS_PER_COMMIT = 5000;

/**
 * Group commit for event ingest. Batches that arrive while a commit is in flight are written
 * together in the next transaction, so N agents share one fsync instead of paying one each. Every
 * batch still resolves only after the transaction holding it committed, so acks stay truthful.
 */
export class GroupCommit {
  private queue: PendingBatch[] = [];
  private draining = false;

  constructor(private readonly store: ConsoleStore) {}

  /** Commits the batch (and the agent's acked seq); resolves with the events newly stored. */
  write(agentId: string, events: StoredEvent[], upTo: number, seenAt: string): Promise<StoredEvent[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ agentId, events, upTo, seenAt, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const group = this.takeGroup();
        try {
          this.settle(group, await this.commit(group));
        } catch (err) {
          if (group.length === 1) {
            group[0]?.reject(err);
            continue;
          }
          // Whatever failed, fail only the batch that causes it: retry each one alone.
          for (const batch of group) {
            try {
              this.settle([batch], await this.commit([batch]));
            } catch (single) {
              batch.reject(single);
            }
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private takeGroup(): PendingBatch[] {
    let events = 0;
    let count = 0;
    for (const batch of this.queue) {
      if (count > 0 && events + batch.events.length > MAX_EVENTS_PER_COMMIT) break;
      events += batch.events.length;
      count += 1;
    }
    return this.queue.splice(0, count);
  }

  private commit(group: PendingBatch[]): Promise<EventKey[]> {
    return this.store.transaction(async (tx) => {
      const inserted = await tx.events.insertEvents(group.length === 1 ? (group[0]?.events ?? []) : group.flatMap((b) => b.events));
      // One agent may appear twice (a replaced connection racing its successor): keep the highest.
      const upTo = new Map<string, number>();
      for (const batch of group) upTo.set(batch.agentId, Math.max(upTo.get(batch.agentId) ?? 0, batch.upTo));
      await tx.agents.advanceAckedSeqs(upTo, group[group.length - 1]?.seenAt ?? new Date().toISOString());
      return inserted;
    });
  }

  private settle(group: PendingBatch[], inserted: EventKey[]): void {
    const total = group.reduce((n, b) => n + b.events.length, 0);
    if (inserted.length === total) {
      for (const batch of group) batch.resolve(batch.events);
      return;
    }
    // Some were duplicates of earlier deliveries: report only what this commit stored, once (two
    // connections of one agent may have raced the same events into this group).
    const keys = new Set(inserted.map((k) => `${k.agentId}:${k.seq}`));
    for (const batch of group) batch.resolve(batch.events.filter((e) => keys.delete(`${e.agentId}:${e.seq}`)));
  }
}
