import { agentEvent, describeIssues, LIMITS, type AgentEvent } from '@dlp/shared';
import type { SqliteDatabase, SqlStatements } from '@dlp/shared/node';
import type { Logger } from './logger';

/** An event before the outbox gives it its sequence number. */
export type EventDraft = Omit<AgentEvent, 'seq'>;

const eventDraft = agentEvent.omit({ seq: true });

/** Builds the gap event recorded when the outbox had to drop its oldest events. */
export type GapEventFactory = (gap: { dropped: number; fromSeq: number; toSeq: number }) => EventDraft;

export interface OutboxOptions {
  maxEvents: number;
  gapEvent: GapEventFactory;
  log: Logger;
}

interface PendingWrite {
  draft: EventDraft;
  resolve: (event: AgentEvent) => void;
  reject: (err: unknown) => void;
}

/** Rows per INSERT statement: well under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 200;

/**
 * The agent's durable event queue (handbook principle 3). Every event is committed here, with a
 * strictly increasing sequence number that survives restarts, before anything sends it; it leaves
 * only when the console acks it, or when the queue overflows (then a gap event says so).
 *
 * Writes are group-committed: events appended while a commit is in progress go into the next
 * transaction together, so a storm of blocked execs costs a few commits, not one per event.
 */
export class Outbox {
  private pending: PendingWrite[] = [];
  private draining: Promise<void> | null = null;
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly db: SqliteDatabase,
    private readonly options: OutboxOptions,
    private lastSeqValue: number,
    private depthValue: number,
  ) {}

  static async open(db: SqliteDatabase, options: OutboxOptions): Promise<Outbox> {
    const state = await db.get<{ last_seq: number }>('SELECT last_seq FROM outbox_state WHERE id = 1');
    const count = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox');
    return new Outbox(db, options, state?.last_seq ?? 0, count?.n ?? 0);
  }

  /** Events stored and not yet acked. */
  depth(): number {
    return this.depthValue;
  }

  /** The highest sequence number ever assigned. */
  lastSeq(): number {
    return this.lastSeqValue;
  }

  /** Called after each commit that added events (the link sends them). */
  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates and queues an event; resolves with its sequence number once committed. */
  append(draft: EventDraft): Promise<AgentEvent> {
    const checked = eventDraft.safeParse(draft);
    if (!checked.success) return Promise.reject(new Error(`refusing an invalid event: ${describeIssues(checked.error)}`));
    return new Promise((resolve, reject) => {
      this.pending.push({ draft: checked.data, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves when everything appended so far is committed. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    // Let the rest of a synchronous burst queue up before the first commit.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, LIMITS.maxEventsPerCommit);
      try {
        const events = await this.db.transaction((tx) => this.writeBatch(tx, batch.map((p) => p.draft)));
        batch.forEach((p, i) => {
          const event = events[i];
          if (event) p.resolve(event);
        });
      } catch (err) {
        this.options.log.error('outbox write failed', { error: err instanceof Error ? err.message : String(err), events: batch.length });
        for (const p of batch) p.reject(err);
        continue;
      }
      for (const listener of this.listeners) listener();
    }
    this.draining = null;
  }

  /** Inside one transaction: insert, advance last_seq, and make room if the queue overflowed. */
  private async writeBatch(tx: SqlStatements, drafts: EventDraft[]): Promise<AgentEvent[]> {
    let seq = this.lastSeqValue;
    const events = drafts.map((d) => ({ ...d, seq: ++seq }));
    await insertEvents(tx, events);
    let depth = this.depthValue + events.length;
    if (depth > this.options.maxEvents) {
      // Drop at least 1% at once: one gap event per overflowing event would fill the queue with gaps.
      const room = Math.max(depth - this.options.maxEvents + 1, Math.ceil(this.options.maxEvents / 100), 10);
      const { removedRows, ...gap } = await this.dropOldest(tx, Math.min(room, depth));
      depth -= removedRows;
      const gapEvent = agentEvent.parse({ ...this.options.gapEvent(gap), seq: ++seq });
      await insertEvents(tx, [gapEvent]);
      depth += 1;
      this.options.log.warn('outbox overflow: dropped the oldest events', { dropped: gap.dropped, fromSeq: gap.fromSeq, toSeq: gap.toSeq });
    }
    await tx.run('UPDATE outbox_state SET last_seq = ? WHERE id = 1', [seq]);
    // Only after every statement succeeded: a rolled-back transaction must not move our counters.
    this.lastSeqValue = seq;
    this.depthValue = depth;
    return events;
  }

  /**
   * Deletes the `count` oldest rows. Gap events among them are folded into the new gap, so the sum
   * of `dropped` over the gaps the console receives is exact however often the queue overflows;
   * fromSeq..toSeq is then the hull of what a gap accounts for and may enclose other gaps.
   */
  private async dropOldest(tx: SqlStatements, count: number) {
    const cutoff = await tx.get<{ seq: number }>('SELECT seq FROM outbox ORDER BY seq LIMIT 1 OFFSET ?', [count - 1]);
    const first = await tx.get<{ seq: number }>('SELECT MIN(seq) AS seq FROM outbox');
    const toSeq = cutoff?.seq ?? this.lastSeqValue;
    let fromSeq = first?.seq ?? toSeq;
    let earlierDropped = 0;
    const earlierGaps = await tx.all<{ body: string }>("SELECT body FROM outbox WHERE seq <= ? AND type = 'gap'", [toSeq]);
    for (const row of earlierGaps) {
      const parsed = agentEvent.safeParse(JSON.parse(row.body));
      if (parsed.success && parsed.data.subject.kind === 'gap') {
        earlierDropped += parsed.data.subject.dropped;
        fromSeq = Math.min(fromSeq, parsed.data.subject.fromSeq);
      }
    }
    const removed = await tx.run('DELETE FROM outbox WHERE seq <= ?', [toSeq]);
    return { removedRows: removed.changes, dropped: removed.changes - earlierGaps.length + earlierDropped, fromSeq, toSeq };
  }

  /**
   * Up to `limit` events after `afterSeq`, in order, whose JSON fits in `maxBytes` together. Rows
   * that no longer validate (a damaged file) are skipped and logged, never sent.
   */
  async readAfter(afterSeq: number, limit: number, maxBytes: number): Promise<AgentEvent[]> {
    const rows = await this.db.all<{ seq: number; body: string }>('SELECT seq, body FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?', [afterSeq, limit]);
    const events: AgentEvent[] = [];
    let bytes = 0;
    for (const row of rows) {
      bytes += Buffer.byteLength(row.body) + 1;
      if (bytes > maxBytes && events.length > 0) break;
      let value: unknown;
      try {
        value = JSON.parse(row.body);
      } catch {
        value = null;
      }
      const parsed = agentEvent.safeParse(value);
      if (parsed.success && parsed.data.seq === row.seq) events.push(parsed.data);
      else this.options.log.error('skipping a damaged outbox row', { seq: row.seq });
    }
    return events;
  }

  /** The console committed every event up to `upTo`: forget them. */
  deleteUpTo(upTo: number): Promise<number> {
    return this.db.exclusive(async () => {
      const result = await this.db.statements.run('DELETE FROM outbox WHERE seq <= ?', [upTo]);
      this.depthValue -= result.changes;
      return result.changes;
    });
  }

  /**
   * The console already holds events up to `seq` (e.g. the agent's database was reset while its
   * credentials survived): number new events above it, or ingest would drop them as duplicates.
   */
  ensureSeqAtLeast(seq: number): Promise<void> {
    return this.db.exclusive(async () => {
      if (seq <= this.lastSeqValue) return;
      await this.db.statements.run('UPDATE outbox_state SET last_seq = ? WHERE id = 1', [seq]);
      this.lastSeqValue = seq;
    });
  }
}

async function insertEvents(tx: SqlStatements, events: AgentEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += INSERT_CHUNK) {
    const chunk = events.slice(i, i + INSERT_CHUNK);
    const placeholders = chunk.map(() => '(?, ?, ?)').join(', ');
    const params = chunk.flatMap((e) => [e.seq, e.type, JSON.stringify(e)]);
    await tx.run(`INSERT INTO outbox (seq, type, body) VALUES ${placeholders}`, params);
  }
}
