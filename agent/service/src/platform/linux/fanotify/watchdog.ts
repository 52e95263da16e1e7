import { performance } from 'node:perf_hooks';

/**
 * Pings the helper and declares it hung when a PING goes unanswered for `timeoutMs`. A PONG comes
 * from the helper's decision loop, so a missing PONG means execs are waiting on a helper that
 * cannot answer (stopped, deadlocked): the owner kills it and the kernel releases those execs.
 *
 * If our own event loop was late (GC pause, busy agent), the PONG may be sitting unread in the
 * pipe: that is not the helper's fault, so the clock restarts instead of killing it.
 */
export class HelperWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private outstanding: { n: string; sentAt: number } | null = null;
  private counter = 0;
  private timeoutMs = 250;
  private intervalMs = 83;
  private lastTickAt = 0;

  constructor(
    private readonly sendPing: (n: string) => void,
    private readonly onHung: (waitedMs: number) => void,
  ) {}

  /** (Re)starts pinging with a deadline of `timeoutMs` per PING, every ~timeoutMs/3. */
  start(timeoutMs: number): void {
    this.stop();
    this.timeoutMs = timeoutMs;
    this.intervalMs = Math.max(5, Math.floor(timeoutMs / 3));
    this.lastTickAt = performance.now();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.outstanding = null;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  pong(n: string): void {
    if (this.outstanding?.n === n) this.outstanding = null;
  }

  private tick(): void {
    const now = performance.now();
    const loopWasLate = now - this.lastTickAt > this.intervalMs + this.timeoutMs / 2;
    this.lastTickAt = now;
    if (this.outstanding) {
      if (loopWasLate) {
        this.outstanding.sentAt = now;
        return;
      }
      const waited = now - this.outstanding.sentAt;
      if (waited >= this.timeoutMs) {
        this.stop();
        this.onHung(Math.round(waited));
      }
      return;
    }
    this.counter += 1;
    const n = String(this.counter);
    this.outstanding = { n, sentAt: now };
    this.sendPing(n);
  }
}
