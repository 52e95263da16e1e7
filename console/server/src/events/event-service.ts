import type { AgentEvent, EventQuery, Page, StoredEvent } from '@dlp/shared';
import type { ConsoleStore } from '../store/store';
import type { ConsoleEvents } from '../service-kit/console-events';
import { placeEvents, type AgentClocks } from '../agents/agent-clocks';
import { EventReportService } from './event-report-service';
import { EventSearchService } from './event-search-service';
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
  /** Search (GET /events, CSV export walks). */
  readonly search: EventSearchService;
  /** Aggregations over roll-ups and raw events (GET /reports/events/…). */
  readonly reports: EventReportService;

  constructor(
    store: ConsoleStore,
    private readonly events: ConsoleEvents,
    /** Measured agent clock offsets (from AgentService); without them events are placed at their own time. */
    private readonly clocks?: AgentClocks,
  ) {
    this.groupCommit = new GroupCommit(store);
    this.search = new EventSearchService(store);
    this.reports = new EventReportService(store);
  }

  /**
   * Commits one batch of one agent, together with the agent's acked seq, and only then announces
   * the newly stored events. The batch is already schema-checked and ordered by seq. Batches of
   * different agents may share a transaction (group commit); each resolves after its commit.
   * `previousUpTo` is the last seq of the batch the same connection sent before this one (0 for
   * its first): the acked seq moves only once that one committed. Takes ownership of the batch's objects.
   */
  async ingest(agentId: string, batch: AgentEvent[], previousUpTo = 0): Promise<IngestResult> {
    const last = batch[batch.length - 1];
    if (!last) return { upTo: 0, stored: [] };
    const receivedAtMs = Date.now();
    const receivedAt = new Date(receivedAtMs).toISOString();
    // The events are this call's own freshly parsed objects: extend them in place rather than copy.
    const candidates: StoredEvent[] = batch.map((event) => Object.assign(event, { agentId, receivedAt }));
    // Once per batch: one agent, one offset. Search, order and reports use the placed time.
    placeEvents(candidates, this.clocks?.offsetOf(agentId) ?? 0, receivedAtMs, receivedAt);
    const stored = await this.groupCommit.write(agentId, candidates, last.seq, receivedAt, previousUpTo);
    if (stored.length > 0) {
      this.events.emit('events-stored', stored);
      // Alerting listens here (it only queues): evaluation and delivery never delay the ack.
      this.events.emit('events-ingested', stored);
    }
    return { upTo: last.seq, stored };
  }

  /** Newest first by placedAt, with keyset pagination stable under concurrent ingest. */
  query(query: EventQuery): Promise<Page<StoredEvent>> {
    return this.search.search(query);
  }

  /** Live subscription to committed events; returns the unsubscribe function. */
  subscribe(listener: (events: StoredEvent[]) => void): () => void {
    return this.events.on('events-stored', listener);
  }
}
