/**
 * Files waiting to be scanned: bounded (a folder flooded with files costs a fixed amount of memory
 * and the overflow is counted, not silently lost), each path at most once while it waits, and a
 * small number of scans at a time so the service's event loop stays responsive.
 */
export interface ScanQueueOptions {
  /** Paths waiting at most; more are dropped and counted. */
  maxPending: number;
  /** Scans running at once. */
  concurrency: number;
  run: (path: string) => Promise<void>;
  /** Called once the queue has drained after an overflow, with how many paths were dropped. */
  overflowed: (dropped: number) => void;
}

export class ScanQueue {
  private readonly pending = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private dropped = 0;
  /** Producers waiting until fewer than `limit` paths wait (waitForRoom). */
  private roomWaiters: { limit: number; resolve: () => void }[] = [];

  constructor(private readonly options: ScanQueueOptions) {}

  /** Queues `path` unless it already waits; false when the queue is full. */
  add(path: string): boolean {
    if (this.pending.has(path)) return true;
    if (this.pending.size >= this.options.maxPending) {
      this.dropped++;
      return false;
    }
    this.pending.add(path);
    this.pump();
    return true;
  }

  /** Drops every waiting path (a scan already running finishes). */
  clear(): void {
    this.pending.clear();
    this.wakeProducers();
    if (this.dropped > 0) this.options.overflowed(this.dropped);
    this.dropped = 0;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Scans running now. */
  get active(): number {
    return this.running.size;
  }

  /**
   * Resolves once fewer than `limit` paths wait: a producer with many files (the walk of a watched
   * folder at start) adds at this pace instead of overflowing the queue.
   */
  waitForRoom(limit: number): Promise<void> {
    if (this.pending.size < limit) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push({ limit, resolve }));
  }

  private wakeProducers(): void {
    if (this.roomWaiters.length === 0) return;
    const waiting = this.roomWaiters;
    this.roomWaiters = waiting.filter((w) => this.pending.size >= w.limit);
    for (const w of waiting) if (this.pending.size < w.limit) w.resolve();
  }

  /** Resolves once nothing runs and nothing waits. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private pump(): void {
    while (this.running.size < this.options.concurrency && this.pending.size > 0) {
      const next = this.pending.values().next();
      if (next.done) return;
      this.pending.delete(next.value);
      this.wakeProducers();
      if (this.pending.size === 0 && this.dropped > 0) {
        // The burst is over: one report for it, and the next overflow is counted anew.
        this.options.overflowed(this.dropped);
        this.dropped = 0;
      }
      const job = this.options.run(next.value).catch(() => undefined).finally(() => {
        this.running.delete(job);
        this.pump();
      });
      this.running.add(job);
    }
  }
}
