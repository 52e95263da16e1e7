import { useCallback, useEffect, useRef, useState } from 'react';
import type { StoredEvent } from '@dlp/shared';
import { useApi } from '../../api';
import { appendPage, prependLive, prependPage, type EventFilters } from './event-feed';

const PAGE_SIZE = 100;

export interface EventFeedState {
  events: StoredEvent[];
  loading: boolean;
  loadingOlder: boolean;
  hasOlder: boolean;
  error: unknown;
  loadOlder(): void;
  reload(): void;
  /** Feed a live batch in (the page's single stream serves the table and the chart). */
  ingestLive(batch: readonly StoredEvent[]): void;
  /** Fetch the newest page again and merge it, after the live stream was interrupted. */
  resync(): void;
}

/** The events table's data: newest page for the filters, live batches on top, older pages on request. */
export function useEventFeed(filters: EventFilters): EventFeedState {
  const api = useApi();
  const [events, setEvents] = useState<StoredEvent[]>([]);
  const [loading, setLoading] = useState(true);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reloadRound, setReloadRound] = useState(0);
  // Bumped on every filter change so answers to an outdated query are ignored.
  const generation = useRef(0);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const query = useCallback((extra: { cursor?: string } = {}) => ({ action: filters.action ?? undefined, type: filters.type ?? undefined, limit: PAGE_SIZE, ...extra }), [filters]);

  useEffect(() => {
    const mine = ++generation.current;
    setEvents([]);
    setCursor(null);
    setLoading(true);
    setError(null);
    api.events.list(query()).then(
      (page) => {
        if (generation.current !== mine) return;
        // Live events that arrived while this page loaded are newer than it: keep them on top.
        setEvents((live) => appendPage(live, page.items));
        setCursor(page.nextCursor);
        setLoading(false);
      },
      (failure: unknown) => {
        if (generation.current !== mine) return;
        setError(failure);
        setLoading(false);
      },
    );
  }, [api, query, reloadRound]);

  const loadOlder = useCallback(() => {
    if (!cursor) return;
    const mine = generation.current;
    setLoadingOlder(true);
    api.events.list(query({ cursor })).then(
      (page) => {
        if (generation.current !== mine) return;
        setEvents((current) => appendPage(current, page.items, Number.POSITIVE_INFINITY));
        setCursor(page.nextCursor);
        setLoadingOlder(false);
      },
      (failure: unknown) => {
        if (generation.current !== mine) return;
        setError(failure);
        setLoadingOlder(false);
      },
    );
  }, [api, cursor, query]);

  const resync = useCallback(() => {
    const mine = generation.current;
    api.events.list(query()).then(
      (page) => {
        if (generation.current === mine) setEvents((current) => prependPage(current, page.items));
      },
      (failure: unknown) => {
        if (generation.current === mine) setError(failure);
      },
    );
  }, [api, query]);

  const ingestLive = useCallback((batch: readonly StoredEvent[]) => {
    setEvents((current) => prependLive(current, batch, filtersRef.current));
  }, []);

  return {
    events,
    loading,
    loadingOlder,
    hasOlder: cursor !== null,
    error,
    loadOlder,
    reload: () => setReloadRound((round) => round + 1),
    ingestLive,
    resync,
  };
}
