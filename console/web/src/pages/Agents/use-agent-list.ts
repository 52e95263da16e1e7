import { useCallback, useEffect, useRef, useState } from 'react';
import { LIMITS, type AgentSummary, type PolicySummary } from '@dlp/shared';
import { useApi } from '../../api';

/** Agents per request; the list refreshes itself so online badges and "last seen" stay current. */
const PAGE_SIZE = 200;
const REFRESH_MS = 10_000;

export interface AgentListState {
  agents: AgentSummary[];
  /** null when this reader may not list policies (only admins may) or the list failed to load. */
  policies: PolicySummary[] | null;
  nextCursor: string | null;
  /** True until the first answer (success or failure). */
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
  updatedAt: number | null;
  refresh(): void;
  loadMore(): void;
}

/**
 * Loads agents (and, for admins, policies to name the applied version), refreshes them every few
 * seconds, and pages further on request.
 */
export function useAgentList(canListPolicies: boolean): AgentListState {
  const api = useApi();
  const [agents, setAgents] = useState<AgentSummary[]>([]);
  const [policies, setPolicies] = useState<PolicySummary[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  // How many rows the reader has paged in, so a refresh keeps them all in view.
  const loadedCount = useRef(0);
  const mounted = useRef(true);

  const refresh = useCallback(async () => {
    try {
      const limit = Math.min(LIMITS.maxPageSize, Math.max(PAGE_SIZE, loadedCount.current));
      // Policy names are a nicety: without them the table still shows the applied serial.
      const policyList = canListPolicies ? api.policies.list().catch(() => null) : Promise.resolve(null);
      const [page, policies] = await Promise.all([api.agents.list({ limit }), policyList]);
      if (!mounted.current) return;
      loadedCount.current = page.items.length;
      setAgents(page.items);
      setNextCursor(page.nextCursor);
      setPolicies(policies);
      setError(null);
      setUpdatedAt(Date.now());
    } catch (failure) {
      if (mounted.current) setError(failure);
    } finally {
      if (mounted.current) setLoading(false);
    }
  }, [api, canListPolicies]);

  useEffect(() => {
    mounted.current = true;
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      mounted.current = false;
      clearInterval(timer);
    };
  }, [refresh]);

  const loadMore = useCallback(async () => {
    if (!nextCursor) return;
    setLoadingMore(true);
    try {
      const page = await api.agents.list({ cursor: nextCursor, limit: PAGE_SIZE });
      if (!mounted.current) return;
      setAgents((current) => {
        const known = new Set(current.map((agent) => agent.id));
        const merged = [...current, ...page.items.filter((agent) => !known.has(agent.id))];
        loadedCount.current = merged.length;
        return merged;
      });
      setNextCursor(page.nextCursor);
    } catch (failure) {
      if (mounted.current) setError(failure);
    } finally {
      if (mounted.current) setLoadingMore(false);
    }
  }, [api, nextCursor]);

  return {
    agents,
    policies,
    nextCursor,
    loading,
    loadingMore,
    error,
    updatedAt,
    refresh: () => void refresh(),
    loadMore: () => void loadMore(),
  };
}
