import type { EventSearchFilter, StoredEvent, TriageCount, TriagedEvent, TriageState } from '@dlp/shared';
import type { ConsoleStore } from '../store/store';
import type { TriageAnnotation } from '../store/triage-store';
import { EventSearchService } from '../events/event-search-service';
import { eventContexts, type EventWithGroup } from '../events/event-context';
import { effectiveTriage, triageInfoOf } from './triage-info';

/** Events read per search page while exporting (one CSV chunk each). */
export const EXPORT_PAGE_ROWS = 1000;
/** Events examined per request at most when a state filter is selective (bounds each request's cost). */
const MAX_SCANNED_PER_REQUEST = 20_000;

/** Triage annotations by `<agentId>/<seq>`. */
type Annotations = Map<string, TriageAnnotation>;

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

  /** Events with their triage info and context (group, policy version), in search order. */
  async annotate(items: readonly EventWithGroup[]): Promise<TriagedEvent[]> {
    return this.attach(items, await this.annotations(items.map((item) => item.event)));
  }

  private async attach(items: readonly EventWithGroup[], byKey: Annotations): Promise<TriagedEvent[]> {
    const contexts = await eventContexts(this.store, items);
    return items.map(({ event }, i) => ({
      event,
      triage: triageInfoOf(event, byKey.get(`${event.agentId}/${event.seq}`)),
      context: contexts[i] ?? { group: null, policy: null },
    }));
  }

  /**
   * One page of at most `limit` items from `cursor`. With a state filter each search request asks
   * for no more events than items still missing, so every examined event is either returned or
   * skipped and the search's own cursor stays exact.
   */
  async page(filter: EventSearchFilter, state: TriageState | undefined, limit: number, cursor: string | undefined): Promise<TriagePageResult> {
    if (state === undefined) {
      const page = await this.search.searchWithGroups({ ...filter, limit, ...(cursor !== undefined ? { cursor } : {}) });
      return { items: await this.annotate(page.items), nextCursor: page.nextCursor };
    }
    const items: TriagedEvent[] = [];
    let next = cursor;
    let scanned = 0;
    for (;;) {
      const page = await this.search.searchWithGroups({ ...filter, limit: limit - items.length, ...(next !== undefined ? { cursor: next } : {}) });
      // The state is known before the context: only kept events get one.
      const byKey = await this.annotations(page.items.map((item) => item.event));
      const kept = page.items.filter(({ event }) => effectiveTriage(byKey.get(`${event.agentId}/${event.seq}`)).state === state);
      items.push(...(await this.attach(kept, byKey)));
      scanned += page.items.length;
      if (page.nextCursor === null) return { items, nextCursor: null };
      next = page.nextCursor;
      if (items.length >= limit || scanned >= MAX_SCANNED_PER_REQUEST) return { items, nextCursor: next };
    }
  }

  /**
   * How many events match, counting at most `max`: `exact: false` means "at least `count`". With a
   * state filter the walk examines at most MAX_SCANNED_PER_REQUEST events, as a page does.
   */
  async count(filter: EventSearchFilter, state: TriageState | undefined, max: number): Promise<TriageCount> {
    if (state === undefined) return this.search.count(filter, max);
    let counted = 0;
    let scanned = 0;
    let cursor: string | undefined;
    for (;;) {
      const page = await this.search.search({ ...filter, limit: EXPORT_PAGE_ROWS, ...(cursor !== undefined ? { cursor } : {}) });
      const byKey = await this.annotations(page.items);
      counted += page.items.filter((event) => effectiveTriage(byKey.get(`${event.agentId}/${event.seq}`)).state === state).length;
      scanned += page.items.length;
      if (counted > max) return { count: max, exact: false };
      if (page.nextCursor === null) return { count: counted, exact: true };
      if (scanned >= MAX_SCANNED_PER_REQUEST) return { count: counted, exact: false };
      cursor = page.nextCursor;
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

  private async annotations(events: readonly StoredEvent[]): Promise<Annotations> {
    const annotations = await this.store.triage.annotate(events.map((event) => ({ agentId: event.agentId, seq: event.seq })));
    return new Map(annotations.map((a) => [`${a.agentId}/${a.seq}`, a]));
  }
}
