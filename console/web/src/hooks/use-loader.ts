import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  /** The last successful answer (kept while a reload runs or after a failed one). */
  data: T | null;
  error: unknown;
  /** True until the first answer, success or failure. */
  loading: boolean;
  /** Loads again now; resolves when done (never rejects: failures land in `error`). */
  reload(): Promise<void>;
}

/**
 * Runs `load` when the component mounts and whenever `key` changes, optionally again every
 * `refreshMs`, and ignores answers that arrive after unmount or after a newer request started.
 * `load` is read through a ref, so callers may pass an inline function.
 */
export function useLoader<T>(load: () => Promise<T>, key: string, refreshMs?: number): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const round = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++round.current;
    try {
      const value = await loadRef.current();
      if (mine !== round.current) return;
      setData(value);
      setError(null);
    } catch (failure) {
      if (mine === round.current) setError(failure);
    } finally {
      if (mine === round.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    setLoading(true);
    setData(null);
    void reload();
    const timer = refreshMs === undefined ? null : setInterval(() => void reload(), refreshMs);
    return () => {
      // A late answer for the old key (or after unmount) must not overwrite newer state.
      round.current++;
      if (timer) clearInterval(timer);
    };
  }, [key, refreshMs, reload]);

  return { data, error, loading, reload };
}
