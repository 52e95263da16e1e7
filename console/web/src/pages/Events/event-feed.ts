import type { EventAction, EventType, StoredEvent } from '@dlp/shared';

/**
 * Pure list operations behind the live events table. The list is newest first in the console's
 * ingest order; every operation drops events already present (by id), so a batch delivered twice,
 * or seen both live and in a page, shows once.
 */

/** null means "all". */
export interface EventFilters {
  action: EventAction | null;
  type: EventType | null;
}

export const NO_FILTERS: EventFilters = { action: null, type: null };

/** Most rows kept in the live table; older ones fall off the bottom (they stay reachable in reports). */
export const MAX_FEED_EVENTS = 1000;

export function matchesFilters(event: StoredEvent, filters: EventFilters): boolean {
  return (filters.action === null || event.action === filters.action) && (filters.type === null || event.type === filters.type);
}

function unknownTo(items: readonly StoredEvent[], candidates: readonly StoredEvent[]): StoredEvent[] {
  const known = new Set(items.map((event) => event.id));
  const fresh: StoredEvent[] = [];
  for (const event of candidates) {
    if (known.has(event.id)) continue;
    known.add(event.id);
    fresh.push(event);
  }
  return fresh;
}

/** A live batch (oldest first, as the console commits it) goes on top, newest first. */
export function prependLive(items: readonly StoredEvent[], batch: readonly StoredEvent[], filters: EventFilters, max = MAX_FEED_EVENTS): StoredEvent[] {
  const fresh = unknownTo(items, batch.filter((event) => matchesFilters(event, filters))).reverse();
  if (fresh.length === 0) return items as StoredEvent[];
  return [...fresh, ...items].slice(0, max);
}

/** A page of newer events (newest first), e.g. after a reconnect, goes on top. */
export function prependPage(items: readonly StoredEvent[], page: readonly StoredEvent[], max = MAX_FEED_EVENTS): StoredEvent[] {
  const fresh = unknownTo(items, page);
  if (fresh.length === 0) return items as StoredEvent[];
  return [...fresh, ...items].slice(0, max);
}

/** A page of older events (newest first) goes below what is shown. */
export function appendPage(items: readonly StoredEvent[], page: readonly StoredEvent[], max = MAX_FEED_EVENTS): StoredEvent[] {
  return [...items, ...unknownTo(items, page)].slice(0, max);
}
