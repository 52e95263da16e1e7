import type { EventSearchFilter, StoredEvent, TriagedEvent, TriageState } from '@dlp/shared';
import type { ConsoleStore } from '../store/store';
import { EventSearchService } from '../events/event-search-service';
import { effectiveTriage, triageInfoOf } from './triage-info';

/** Events read per search page while exporting (one CSV chunk each). */
export const EXPORT_PAGE_ROWS = 1000;
/** Events examined per request at most when a state filter is selective (bounds each request's cost). */
const MAX_SCANNED_PER_REQUEST = 20_000;

/** An exported event: the event and its effective triage state. */
export interface ExportedEvent {
  event: StoredEvent;
  triage: ReturnType<typeof effectiveTriage>;
}

export interface TriagePageResult {
  items: TriagedEvent[];
  /** The event search's cursor to continue from, or null at the end. */
  nextCursor: string | null;
}

/**
 * Walks the event search (GET /events: newest first, keyset, windowed scans) and joins each
 * event's triage state, optionally keeping only one effective state. The state is a post-filter on
 * the search, so every search filter behaves exactly as GET /events applies it.
 */
export class TriageWalk {
  private readonly search: EventSearchService;

  constructor(private readonly store: ConsoleStore) {
    this.search = new EventSearchService(store);
  }

  /** Events with their triage info, in search order. */
  async annotate(events: readonly StoredEvent[]): Promise<TriagedEvent[]> {
    const byKey = await this.annotations(events);
    return events.map((event) => ({ event, triage: triageInfoOf(event, byKey.get(`${event.agentId}/${event.seq}`)) }));
  }

  /**
   * One page of at most `limit` items from `cursor`. With a state filter each search request asks
   * for no more events than items still missing, so every examined event is either returned or
   * skipped and the search's own cursor stays exact.
   */
  async page(filter: EventSearchFilter, state: TriageState | undefined, limit: number, cursor: string | undefined): Promise<TriagePageResult> {
    if (state === undefined) {
      const page = await this.search.search({ ...filter, limit, ...(cursor !== undefined ? { cursor } : {}) });
      return { items: await this.annotate(page.items), nextCursor: page.nextCursor };
    }
    const items: TriagedEvent[] = [];
    let next = cursor;
    let scanned = 0;
    for (;;) {
      const page = await this.search.search({ ...filter, limit: limit - items.length, ...(next !== undefined ? { cursor: next } : {}) });
      for (const item of await this.annotate(page.items)) if (item.triage.state === state) items.push(item);
      scanned += page.items.length;
      if (page.nextCursor === null) return { items, nextCursor: null };
      next = page.nextCursor;
      if (items.length >= limit || scanned >= MAX_SCANNED_PER_REQUEST) return { items, nextCursor: next };
    }
  }

  /** Every matching event with its effective state, one search page at a time (bounded memory), for exports. */
  async *pages(filter: EventSearchFilter, state: TriageState | undefined): AsyncGenerator<ExportedEvent[]> {
    for await (const events of this.search.pages(filter, EXPORT_PAGE_ROWS)) {
      const byKey = await this.annotations(events);
      const page: ExportedEvent[] = [];
      for (const event of events) {
        // The group fingerprint is not exported, so it is not computed here.
        const triage = effectiveTriage(byKey.get(`${event.agentId}/${event.seq}`));
        if (state === undefined || triage.state === state) page.push({ event, triage });
      }
      if (page.length > 0) yield page;
    }
  }

  private async annotations(events: readonly StoredEvent[]): Promise<Map<string, Awaited<ReturnType<ConsoleStore['triage']['annotate']>>[number]>> {
    const annotations = await this.store.triage.annotate(events.map((event) => ({ agentId: event.agentId, seq: event.seq })));
    return new Map(annotations.map((a) => [`${a.agentId}/${a.seq}`, a]));
  }
}
