import type { Logger } from '../logger';

/**
 * Console commands (policy, exception, revoke, group assignment) run one at a time in arrival order,
 * so a revoke never overtakes the grant it withdraws; a failure is logged and must not wedge the queue.
 */
export class CommandQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly log: Logger) {}

  /** Queues `task`; resolves when it (and everything before it) has run. */
  run(what: string, task: () => Promise<void>): Promise<void> {
    this.tail = this.tail.then(async () => {
      try {
        await task();
      } catch (err) {
        this.log.error(`${what} failed`, { error: err instanceof Error ? err.message : String(err) });
      }
    });
    return this.tail;
  }

  /** Resolves once every queued command has run. */
  drained(): Promise<void> {
    return this.tail;
  }
}
