/** Wakes whoever waits for the link to make progress (an ack came, the connection state changed). */
export class ProgressSignal {
  private readonly waiters = new Set<() => void>();

  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves at the next `notify`, or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.waiters.add(wake);
    });
  }
}

export interface DrainOptions {
  /** Events in the outbox not acked yet. */
  depth(): number;
  /** Whether the link is connected or about to be; when not, waiting cannot help. */
  deliverable(): boolean;
  progress: ProgressSignal;
  timeoutMs: number;
}

/**
 * Waits until the outbox is empty (everything acked), at most `timeoutMs`; true when it emptied.
 * Gives up at once when nothing can be delivered now: the events wait on disk either way.
 */
export async function waitForDrain(options: DrainOptions): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  while (options.depth() > 0) {
    const left = deadline - Date.now();
    if (left <= 0 || !options.deliverable()) return false;
    await options.progress.wait(left);
  }
  return true;
}
