import { performance } from 'node:perf_hooks';

/** How often the helper's decision loop writes its heartbeat (HEARTBEAT_MS in native/dlp-exec-guard.c). */
export const HELPER_HEARTBEAT_MS = 100;

/**
 * Declares the helper hung when its decision loop's heartbeat (CLOCK_MONOTONIC ns, written every
 * HELPER_HEARTBEAT_MS into a file both sides hold, see WatchdogBackstop) is older than the decision
 * timeout plus one heartbeat period: execs are then waiting on a helper that cannot answer
 * (stopped, deadlocked), and the owner kills it so the kernel releases them.
 *
 * It reads the heartbeat every ~timeout/3 rather than PINGing the helper: a read of 8 bytes costs
 * neither side a pipe round trip, which made most of an idle agent's CPU time.
 *
 * If our own event loop was late (GC pause, busy agent, SIGSTOP), that tick is skipped: the next
 * one judges by a fresh reading.
 */
export class HelperWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private limitNs = 0n;
  private intervalMs = 83;
  private lastTickAt = 0;

  /**
   * `readHeartbeatNs`: the helper's last heartbeat (hrtime ns), or null when it cannot be read.
   * `onHung`: called once with how long the helper has been silent.
   */
  constructor(
    private readonly readHeartbeatNs: () => bigint | null,
    private readonly onHung: (silentMs: number) => void,
  ) {}

  /** (Re)starts watching: a helper silent for `timeoutMs` + one heartbeat period is hung. */
  start(timeoutMs: number): void {
    this.stop();
    this.limitNs = BigInt(Math.round((timeoutMs + HELPER_HEARTBEAT_MS) * 1e6));
    this.intervalMs = Math.max(5, Math.floor(timeoutMs / 3));
    this.lastTickAt = performance.now();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  private tick(): void {
    const now = performance.now();
    const loopWasLate = now - this.lastTickAt > this.intervalMs + Number(this.limitNs / 2_000_000n);
    this.lastTickAt = now;
    if (loopWasLate) return;
    // The clock before the heartbeat: on a starved machine this thread can lose the CPU between the
    // two reads for longer than the limit, and a heartbeat read first would then look that stale.
    const readAt = process.hrtime.bigint();
    const heartbeat = this.readHeartbeatNs();
    if (heartbeat === null) return;
    const silentNs = readAt - heartbeat;
    if (silentNs <= this.limitNs) return;
    this.stop();
    this.onHung(Number(silentNs / 1_000_000n));
  }
}
