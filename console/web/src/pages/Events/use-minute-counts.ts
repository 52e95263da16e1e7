import { useCallback, useEffect, useRef, useState } from 'react';
import { LIMITS, type StoredEvent } from '@dlp/shared';
import { useApi } from '../../api';
import { matchesFilters, type EventFilters } from './event-feed';
import { CHART_MINUTES, MINUTE_MS, type ChartPoint } from './minute-buckets';

/** Pages of the last hour fetched for the chart; beyond that the chart says it is partial. */
const MAX_PAGES = 5;

export interface MinuteCountsState {
  /** Points of the last hour by event id (the id makes live and fetched copies count once). */
  points: ReadonlyMap<string, ChartPoint>;
  /** The hour held more events than were fetched. */
  truncated: boolean;
  ingestLive(batch: readonly StoredEvent[]): void;
  resync(): void;
}

function toPoint(event: StoredEvent): ChartPoint {
  // Placed time: an agent with a wrong clock must not put its events outside the chart's hour.
  return { atMs: new Date(event.placedAt ?? event.occurredAt).getTime(), action: event.action };
}

/** The chart's data: every event of the last hour matching the filters, kept current by live batches. */
export function useMinuteCounts(filters: EventFilters, nowMs: number): MinuteCountsState {
  const api = useApi();
  const [points, setPoints] = useState<ReadonlyMap<string, ChartPoint>>(new Map());
  const [truncated, setTruncated] = useState(false);
  const [round, setRound] = useState(0);
  const generation = useRef(0);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  useEffect(() => {
    const mine = ++generation.current;
    setPoints(new Map());
    setTruncated(false);
    const load = async () => {
      const from = new Date(Date.now() - CHART_MINUTES * MINUTE_MS).toISOString();
      const fetched = new Map<string, ChartPoint>();
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await api.events.list({ from, action: filters.action ?? undefined, type: filters.type ?? undefined, limit: LIMITS.maxPageSize, cursor });
        for (const event of result.items) fetched.set(event.id, toPoint(event));
        if (!result.nextCursor) return { fetched, truncated: false };
        cursor = result.nextCursor;
      }
      return { fetched, truncated: true };
    };
    load().then(
      (result) => {
        if (generation.current !== mine) return;
        setPoints((live) => new Map([...result.fetched, ...live]));
        setTruncated(result.truncated);
      },
      // The table shows the error; the chart simply stays empty.
      () => undefined,
    );
  }, [api, filters, round]);

  // Forget points that slid out of the window so memory stays bounded on a busy console.
  useEffect(() => {
    const oldest = nowMs - (CHART_MINUTES + 1) * MINUTE_MS;
    setPoints((current) => {
      if (![...current.values()].some((point) => point.atMs < oldest)) return current;
      return new Map([...current].filter(([, point]) => point.atMs >= oldest));
    });
  }, [nowMs]);

  const ingestLive = useCallback((batch: readonly StoredEvent[]) => {
    const fresh = batch.filter((event) => matchesFilters(event, filtersRef.current));
    if (fresh.length === 0) return;
    setPoints((current) => {
      const next = new Map(current);
      for (const event of fresh) next.set(event.id, toPoint(event));
      return next;
    });
  }, []);

  return { points, truncated, ingestLive, resync: () => setRound((value) => value + 1) };
}
