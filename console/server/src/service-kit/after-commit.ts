import type { ConsoleStore, StoreRepositories } from '../store/store';

/**
 * Work to do once the surrounding transaction committed (pushing a policy or an exception to
 * agents): an agent must never receive something the database could still roll back.
 */
export type AfterCommit = Array<() => void>;

/** Runs `fn` in a transaction, then (only if it committed) the work it queued, in order. */
export async function transactThenAnnounce<T>(store: ConsoleStore, fn: (tx: StoreRepositories, after: AfterCommit) => Promise<T>): Promise<T> {
  const after: AfterCommit = [];
  const result = await store.transaction((tx) => fn(tx, after));
  for (const announce of after) announce();
  return result;
}
