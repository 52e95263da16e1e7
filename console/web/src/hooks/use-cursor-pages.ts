import { useCallback, useState } from 'react';
import { useAction, type Action } from './use-action';
import { useLoader, type Loaded } from './use-loader';

/** One page of a cursor-paged list, as the console's list endpoints return it. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** Where the next page starts and how long it is. */
export interface PageRequest {
  cursor?: string;
  limit: number;
}

export interface CursorPages<T> {
  /** The first page followed by every older page loaded so far. */
  items: T[];
  /** Where the next older page starts; null when there is none. */
  cursor: string | null;
  /** The first page (loading state, its error, reload). */
  first: Loaded<CursorPage<T>>;
  /** The "load older" request (busy flag and its error). */
  more: Action;
  /** Appends the next older page; resolves false when it failed (the error is in `more`). */
  loadOlder(): Promise<boolean>;
  /** Forgets the older pages, e.g. before new filters apply or after an edit changed the list. */
  reset(): void;
}

/**
 * A newest-first list paged back with cursors: the first page reloads whenever `key` (the filters)
 * changes; older pages are appended on demand. `load` is called with the cursor and page size.
 */
export function useCursorPages<T>(load: (page: PageRequest) => Promise<CursorPage<T>>, key: string, pageSize: number): CursorPages<T> {
  const [older, setOlder] = useState<CursorPage<T> | null>(null);
  const first = useLoader(() => load({ limit: pageSize }), key);
  const more = useAction();
  const cursor = older ? older.nextCursor : (first.data?.nextCursor ?? null);
  const loadOlder = () =>
    more.run(async () => {
      if (!cursor) return;
      const page = await load({ cursor, limit: pageSize });
      setOlder((previous) => ({ items: [...(previous?.items ?? []), ...page.items], nextCursor: page.nextCursor }));
    });
  const reset = useCallback(() => setOlder(null), []);
  return { items: [...(first.data?.items ?? []), ...(older?.items ?? [])], cursor, first, more, loadOlder, reset };
}
