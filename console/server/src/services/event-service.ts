import type { AgentEvent, EventQuery, Page, StoredEvent } from '@dlp/shared';
import type { ConsoleStore, EventFilter } from '../store/store';
import type { ConsoleEvents } from './console-events';
import { decodeRowCursor, encodeRowCursor } from './cursor';
import { GroupCommit } from './group-commit';

export interface IngestResult {
  /** Highest seq of the batch: everything up to it is now committed. */
  upTo: number;
  /** Events stored by this call (duplicates of earlier deliveries excluded). */
  stored: StoredEvent[];
}

/** Event ingest (idempotent on agent id + seq), queries and live fan-out. */
export class EventService {
  private readonly groupCommit: GroupCommit;

  constructor(
    private readonly store: ConsoleStore,
    private readonly events: ConsoleEvents,
  ) {
    this.groupCommit = new GroupCommit(store);
  }

  /**
   * Commits one batch of one agent, together with the agent's acked seq, and only then announces
   * the newly stored events. The batch is already schema-checked and ordered by seq. Batches of
   * different agents may share a transaction (group commit); each resolves after its commit.
   * Takes ownership of the batch's objects.
   */
  async ingest(agentId: string, batch: AgentEvent[]): Promise<IngestResult> {
    const last = batch[batch.length - 1];
    if (!last) return { upTo: 0, stored: [] };
    const receivedAt = new Date().toISOString();
    // The events are this call's own freshly parsed objects: extend them in place rather than copy.
    const candidates: StoredEvent[] = batch.map((event) => Object.assign(event, { agentId, receivedAt }));
    const stored = await this.groupCommit.write(agentId, candidates, last.seq, receivedAt);
    if (stored.length > 0) this.events.emit('events-stored', stored);
    return { upTo: last.seq, stored };
  }

  /** Newest first, in ingest order, with keyset pagination stable under concurrent ingest. */
  async query(query: EventQuery): Promise<Page<StoredEvent>> {
    const filter: EventFilter = { limit: query.limit + 1 };
    if (query.from !== undefined) filter.fromMs = Date.parse(query.from);
    if (query.to !== undefined) filter.toMs = Date.parse(query.to);
    if (query.agentId !== undefined) filter.agentId = query.agentId;
    if (query.type !== undefined) filter.type = query.type;
    if (query.action !== undefined) filter.action = query.action;
    if (query.severity !== undefined) filter.severity = query.severity;
    if (query.cursor !== undefined) filter.beforeRowId = decodeRowCursor(query.cursor);
    // One extra row tells whether another page exists without a COUNT.
    const rows = await this.store.events.query(filter);
    const page = rows.slice(0, query.limit);
    const lastRow = page[page.length - 1];
    return {
      items: page.map((row) => row.event),
      nextCursor: rows.length > query.limit && lastRow ? encodeRowCursor(lastRow.rowId) : null,
    };
  }

  /** Live subscription to committed events; returns the unsubscribe function. */
  subscribe(listener: (events: StoredEvent[]) => void): () => void {
    return this.events.on('events-stored', listener);
  }
}
