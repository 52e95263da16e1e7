/** Counters of one delivery queue (this console node, since the queue was made). */
export interface QueueCounters {
  sent: number;
  failed: number;
  dropped: number;
  retries: number;
  lastError: string | null;
  lastSentAtMs: number | null;
}

export interface DeliveryQueueOptions<T> {
  /** Jobs waiting beyond this many: the oldest waiting one is dropped. */
  capacity: number;
  /** Attempts per job, the first included, before it counts as failed. */
  maxAttempts: number;
  /** Backoff before retry n is min(baseDelayMs × 2^(n-1), maxDelayMs). */
  baseDelayMs: number;
  maxDelayMs: number;
  send: (job: T) => Promise<void>;
  now?: () => number;
}

export const DEFAULT_QUEUE_OPTIONS = { capacity: 1000, maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 } as const;

/**
 * A bounded in-memory queue with one sender, retries and exponential backoff. `push` never waits,
 * so whoever enqueues (the alert engine, and so never ingest) is never held up by a slow or dead
 * destination: at worst old jobs are dropped and counted.
 */
export class DeliveryQueue<T> {
  readonly counters: QueueCounters = { sent: 0, failed: 0, dropped: 0, retries: 0, lastError: null, lastSentAtMs: null };
  private readonly waiting: T[] = [];
  private current: T | null = null;
  private running = false;
  private closed = false;
  private wakeBackoff: (() => void) | null = null;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: DeliveryQueueOptions<T>) {}

  /** Waiting jobs plus the one being sent. */
  get queued(): number {
    return this.waiting.length + (this.current === null ? 0 : 1);
  }

  push(job: T): void {
    if (this.closed) return;
    this.waiting.push(job);
    while (this.waiting.length > this.options.capacity) {
      this.waiting.shift();
      this.counters.dropped += 1;
    }
    if (!this.running) void this.drain();
  }

  /** Resolves once nothing is queued (tests, shutdown). */
  idle(): Promise<void> {
    if (this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops sending; waiting jobs are discarded (not counted as dropped: the node is going away). */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
    this.wakeBackoff?.();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      for (let job = this.waiting.shift(); job !== undefined && !this.closed; job = this.waiting.shift()) {
        this.current = job;
        await this.deliver(job);
        this.current = null;
      }
    } finally {
      this.current = null;
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async deliver(job: T): Promise<void> {
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await this.options.send(job);
        this.counters.sent += 1;
        this.counters.lastSentAtMs = (this.options.now ?? Date.now)();
        return;
      } catch (err) {
        this.counters.lastError = err instanceof Error ? err.message : String(err);
        if (attempt >= this.options.maxAttempts) {
          this.counters.failed += 1;
          return;
        }
        this.counters.retries += 1;
        await this.backoff(Math.min(this.options.baseDelayMs * 2 ** (attempt - 1), this.options.maxDelayMs));
      }
    }
  }

  /** Waits `ms`, or less if the queue is closed meanwhile. */
  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      // `done` runs only after `timer` is set (from the timer itself or from close()).
      const done = (): void => {
        clearTimeout(timer);
        this.wakeBackoff = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeBackoff = done;
    });
  }
}
