import { useCallback, useEffect, useRef, useState } from 'react';
import type { AgentFilterSet, AgentSummary } from '@dlp/shared';
import { useApi } from '../../api';

/** Rows per request: a few screens of the table, well under the console's page limit. */
export const ROW_BLOCK = 100;
/** Counts and the rows in view refresh together, so "online" badges stay current. */
const REFRESH_MS = 10_000;
/** Scrolling pauses this long before the rows that came into view are asked for. */
const FETCH_DELAY_MS = 60;

/** Loaded rows of one filter set: the console's total and the blocks fetched so far. */
interface RowsState {
  key: string;
  set: AgentFilterSet;
  total: number;
  blocks: ReadonlyMap<number, readonly AgentSummary[]>;
}

export interface AgentRows {
  /** The filter set the rows on screen answer (the previous one while a new one loads); null before the first answer. */
  answered: AgentFilterSet | null;
  /** Whether the rows on screen answer the current filters. */
  current: boolean;
  /** Agents matching the answered filters. */
  total: number;
  /** The agent at `index` of the answered list, undefined while its block loads. */
  rowAt(index: number): AgentSummary | undefined;
  error: unknown;
  /** Tells which rows are in view (start inclusive, end exclusive): their missing blocks are fetched. */
  show(start: number, end: number): void;
  /** Fetches the rows in view (and the total) again now. */
  reload(): Promise<void>;
}

function blocksOf(start: number, end: number): number[] {
  const blocks: number[] = [];
  for (let block = Math.floor(start / ROW_BLOCK); block * ROW_BLOCK < Math.max(end, start + 1); block++) blocks.push(block);
  return blocks;
}

/**
 * The agent table's rows, fetched in blocks of {@link ROW_BLOCK} as they scroll into view (the
 * console sorts and filters; the browser holds only what was seen). A new filter set keeps the
 * previous rows on screen until its first block arrives (no flash; the search box keeps focus).
 */
export function useAgentRows(set: AgentFilterSet): AgentRows {
  const api = useApi();
  const key = JSON.stringify(set);
  const [state, setState] = useState<RowsState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const live = useRef({ key, set, state, view: { start: 0, end: 1 } });
  live.current = { ...live.current, key, set, state };
  const inflight = useRef(new Set<string>());

  const fetchBlock = useCallback(
    async (wanted: AgentFilterSet, block: number) => {
      const page = await api.agents.table({ ...wanted, offset: block * ROW_BLOCK, limit: ROW_BLOCK });
      return { block, items: page.items, total: page.total ?? page.items.length };
    },
    [api],
  );

  /** Fetches `blocks` of the current filters and replaces (or, with `merge`, adds to) what is held. */
  const load = useCallback(
    async (blocks: readonly number[], merge: boolean) => {
      const { key: wantedKey, set: wanted } = live.current;
      try {
        const answers = await Promise.all(blocks.map((block) => fetchBlock(wanted, block)));
        if (live.current.key !== wantedKey) return;
        setError(null);
        setState((previous) => {
          const keep = merge && previous?.key === wantedKey ? previous.blocks : new Map<number, readonly AgentSummary[]>();
          const next = new Map(keep);
          for (const answer of answers) next.set(answer.block, answer.items);
          return { key: wantedKey, set: wanted, total: answers[answers.length - 1]?.total ?? previous?.total ?? 0, blocks: next };
        });
      } catch (failure) {
        if (live.current.key === wantedKey) setError(failure);
      }
    },
    [fetchBlock],
  );

  // A new filter set: its first block, then every REFRESH_MS the blocks in view.
  useEffect(() => {
    live.current.view = { start: 0, end: 1 };
    void load([0], false);
    const timer = setInterval(() => {
      const { start, end } = live.current.view;
      void load(blocksOf(start, end), false);
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [key, load]);

  // Blocks that scrolled into view, once scrolling pauses; one request per block at a time.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const show = useCallback(
    (start: number, end: number) => {
      live.current.view = { start, end };
      if (pending.current !== null) clearTimeout(pending.current);
      pending.current = setTimeout(() => {
        pending.current = null;
        const { key: wantedKey, state: held, view } = live.current;
        if (!held || held.key !== wantedKey) return;
        for (const block of blocksOf(view.start, view.end)) {
          const flight = `${wantedKey}#${block}`;
          if (held.blocks.has(block) || inflight.current.has(flight) || block * ROW_BLOCK >= held.total) continue;
          inflight.current.add(flight);
          void load([block], true).finally(() => inflight.current.delete(flight));
        }
      }, FETCH_DELAY_MS);
    },
    [load],
  );
  useEffect(() => () => {
    if (pending.current !== null) clearTimeout(pending.current);
  }, []);

  const reload = useCallback(async () => {
    const { start, end } = live.current.view;
    await load(blocksOf(start, end), false);
  }, [load]);

  const rowAt = useCallback((index: number) => state?.blocks.get(Math.floor(index / ROW_BLOCK))?.[index % ROW_BLOCK], [state]);
  return { answered: state?.set ?? null, current: state?.key === key, total: state?.total ?? 0, rowAt, error, show, reload };
}
