import { LIMITS, type StoredEvent } from '@dlp/shared';
import { storageFailureOf } from '../ops/write-health';
import type { AckedSeqAdvance, ConsoleStore, EventKey } from '../store/store';
import { CommitQueue } from '../service-kit/commit-queue';

/** One agent batch waiting for its commit. */
interface PendingBatch {
  agentId: string;
  events: StoredEvent[];
  upTo: number;
  /** Last seq of the batch this connection sent before it (0: the first on its connection). */
  previousUpTo: number;
  seenAt: string;
}

/**
 * PostgreSQL's deadlock_detected and serialization_failure: with several ingest transactions in
 * flight these can only come from a race with another writer, and the whole group is safe to redo
 * (nothing of it committed).
 */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);

function isRetryableConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' && RETRYABLE_SQLSTATES.has(err.code);
}

/**
 * Group commit for event ingest. Batches that arrive while a commit is in flight are written
 * together in the next transaction, so N agents share one fsync instead of paying one each. Every
 * batch still resolves only after the transaction holding it committed, so acks stay truthful.
 */
export class GroupCommit {
  private readonly queue: CommitQueue<PendingBatch, StoredEvent[]>;

  constructor(private readonly store: ConsoleStore) {
    this.queue = new CommitQueue<PendingBatch, StoredEvent[]>({
      // Bounds the first batch's wait and one SQLite transaction; many agents still share its fsync.
      maxWeight: LIMITS.maxEventsPerCommit,
      weight: (batch) => batch.events.length,
      commit: async (group) => storedPerBatch(group, await this.commitRetryingOnce(group)),
      maxInFlight: store.ingestTransactions ?? 1,
      // The database cannot commit: every batch of the group fails (none is acked; agents resend).
      failsEveryItem: (err) => storageFailureOf(err) !== undefined,
    });
  }

  /**
   * Commits the batch (and the agent's acked seq); resolves with the events newly stored. The
   * acked seq moves only if the batch before it on the same connection (`previousUpTo`) committed.
   */
  write(agentId: string, events: StoredEvent[], upTo: number, seenAt: string, previousUpTo = 0): Promise<StoredEvent[]> {
    return this.queue.enqueue({ agentId, events, upTo, previousUpTo, seenAt });
  }

  private async commitRetryingOnce(group: PendingBatch[]): Promise<EventKey[]> {
    try {
      return await this.commit(group);
    } catch (err) {
      if (!isRetryableConflict(err)) throw err;
      return this.commit(group);
    }
  }

  private commit(group: PendingBatch[]): Promise<EventKey[]> {
    return this.store.transaction(async (tx) => {
      const inserted = await tx.events.insertEvents(group.length === 1 ? (group[0]?.events ?? []) : group.flatMap((b) => b.events));
      await tx.agents.advanceAckedSeqs(ackedSeqAdvances(group), group[group.length - 1]?.seenAt ?? new Date().toISOString());
      return inserted;
    });
  }
}

/**
 * Per agent, the highest seq of its batches in the group, guarded by the earliest batch's
 * predecessor: batches of one connection in one transaction commit together, so only the first
 * one's predecessor matters. (An agent may also appear from two connections — a replaced one
 * racing its successor; the least demanding guard wins, as the new connection started from the
 * stored acked seq.) Sorted by agent id: concurrent ingest transactions lock agents rows in one
 * global order.
 */
function ackedSeqAdvances(group: readonly PendingBatch[]): Map<string, AckedSeqAdvance> {
  const byAgent = new Map<string, AckedSeqAdvance>();
  for (const batch of group) {
    const seen = byAgent.get(batch.agentId);
    byAgent.set(
      batch.agentId,
      seen ? { upTo: Math.max(seen.upTo, batch.upTo), ifAckedAtLeast: Math.min(seen.ifAckedAtLeast, batch.previousUpTo) } : { upTo: batch.upTo, ifAckedAtLeast: batch.previousUpTo },
    );
  }
  return new Map([...byAgent].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The events of each batch that this commit stored, in group order. */
function storedPerBatch(group: PendingBatch[], inserted: EventKey[]): StoredEvent[][] {
  const total = group.reduce((n, b) => n + b.events.length, 0);
  if (inserted.length === total) return group.map((batch) => batch.events);
  // Some were duplicates of earlier deliveries: report only what this commit stored, once (two
  // connections of one agent may have raced the same events into this group).
  const keys = new Set(inserted.map((k) => `${k.agentId}:${k.seq}`));
  return group.map((batch) => batch.events.filter((e) => keys.delete(`${e.agentId}:${e.seq}`)));
}
