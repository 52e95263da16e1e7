import { useCallback, useEffect, useRef, useState } from 'react';
import type { AlertGroup, AlertGroupPage, AlertState, FiredAlert } from '@dlp/shared';
import { useApi } from '../../api';

/** Rows per page of the inbox. */
export const INBOX_PAGE_SIZE = 50;
const REFRESH_MS = 15_000;

export interface AlertInbox {
  groups: AlertGroup[];
  total: AlertGroupPage['total'] | null;
  hasMore: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
  loadMore(): Promise<void>;
  reload(): Promise<void>;
  /** Puts alerts changed by acknowledge or resolve in place, keeping the pages loaded so far. */
  replaceAlerts(changed: readonly FiredAlert[]): void;
}

/**
 * The inbox's groups page by page ("Load more" appends). The first page refreshes itself while it is
 * the only one loaded: refreshing would otherwise drop the pages a person has scrolled through.
 */
export function useAlertInbox(state: AlertState | ''): AlertInbox {
  const api = useApi();
  const [groups, setGroups] = useState<AlertGroup[]>([]);
  const [total, setTotal] = useState<AlertGroupPage['total'] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [pages, setPages] = useState(0);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const round = useRef(0);
  const filters = state === '' ? {} : { state };

  const reload = useCallback(async () => {
    const mine = ++round.current;
    try {
      const page = await api.alerts.groups(state === '' ? {} : { state }, { limit: INBOX_PAGE_SIZE });
      if (mine !== round.current) return;
      setGroups(page.items);
      setTotal(page.total);
      setCursor(page.nextCursor);
      setPages(1);
      setError(null);
    } catch (failure) {
      if (mine === round.current) setError(failure);
    } finally {
      if (mine === round.current) setLoading(false);
    }
  }, [api, state]);

  useEffect(() => {
    setLoading(true);
    setGroups([]);
    void reload();
    return () => void round.current++;
  }, [reload]);

  useEffect(() => {
    if (pages !== 1) return undefined;
    const timer = setInterval(() => void reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [pages, reload]);

  const loadMore = async (): Promise<void> => {
    if (cursor === null || loadingMore) return;
    const mine = round.current;
    setLoadingMore(true);
    try {
      const page = await api.alerts.groups(filters, { cursor, limit: INBOX_PAGE_SIZE });
      if (mine !== round.current) return;
      setGroups((before) => [...before, ...page.items.filter((g) => !before.some((b) => b.key === g.key))]);
      setTotal(page.total);
      setCursor(page.nextCursor);
      setPages((n) => n + 1);
    } catch (failure) {
      setError(failure);
    } finally {
      setLoadingMore(false);
    }
  };

  const replaceAlerts = (changed: readonly FiredAlert[]): void => {
    const byId = new Map(changed.map((a) => [a.id, a]));
    setGroups((before) => before.map((g) => ({ ...g, alerts: g.alerts.map((a) => byId.get(a.id) ?? a) })));
  };

  return { groups, total, hasMore: cursor !== null, loading, loadingMore, error, loadMore, reload, replaceAlerts };
}
