/**
 * The statements sent on one transaction's client and not yet answered. Some are sent together (the
 * roll-up upserts) and wait their turn (pg-statements.ts sends one at a time): when one fails the
 * others are still waiting, and a ROLLBACK sent then would run among them (node-postgres also warns
 * that queueing behind a busy client is deprecated). The transaction waits for them all to settle
 * first, and then decides whether the client can still roll back at all.
 */
export class InFlightQueries {
  private readonly pending = new Set<Promise<unknown>>();

  /** Tracks `query` until it settles (its outcome is still for the caller to await). */
  add(query: Promise<unknown>): void {
    this.pending.add(query);
    const forget = (): void => void this.pending.delete(query);
    query.then(forget, forget);
  }

  /** Resolves once every statement sent so far has been answered or failed. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

/**
 * A failure after which the connection cannot be used again: the server ended the session (FATAL,
 * e.g. 57P01 on pg_terminate_backend, which arrives just before the socket closes) or the client
 * gave up waiting for an answer (the server may still be running the statement).
 */
export function connectionUnusable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.message === 'Query read timeout') return true;
  const fields = err as Error & { severity?: unknown; code?: unknown };
  return fields.severity === 'FATAL' || fields.severity === 'PANIC' || (typeof fields.code === 'string' && fields.code.startsWith('57P'));
}
