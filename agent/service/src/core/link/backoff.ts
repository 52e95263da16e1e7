/** The short ceiling right after the console went away (see BackoffOptions). */
export interface BackoffOptions {
  /**
   * Ceiling while the failures are recent (within `fastWindowMs` of the first one): a console back
   * after a short outage sees every agent again within this window, spread evenly over it, instead
   * of agents sleeping up to `capMs`. Default: `capMs` (no short phase).
   */
  fastCapMs?: number;
  /** How long the short ceiling applies after the first failure; then the ceiling grows to `capMs`. */
  fastWindowMs?: number;
  now?: () => number;
}

/**
 * Exponential backoff with full jitter (delay uniform in [0, min(cap, base·2^attempt)]): a console
 * restart does not get every agent reconnecting in the same second. While the outage is young the
 * ceiling stays at `fastCapMs`, so recovery takes at most that long; a console gone for longer is
 * retried less often (at most `capMs` apart).
 */
export class Backoff {
  private attempt = 0;
  private failingSinceMs: number | null = null;
  private readonly fastCapMs: number;
  private readonly fastWindowMs: number;
  private readonly now: () => number;

  constructor(
    private readonly baseMs: number,
    private readonly capMs: number,
    private readonly random: () => number = Math.random,
    options: BackoffOptions = {},
  ) {
    this.fastCapMs = Math.min(options.fastCapMs ?? capMs, capMs);
    this.fastWindowMs = options.fastWindowMs ?? 0;
    this.now = options.now ?? Date.now;
  }

  next(): number {
    const nowMs = this.now();
    this.failingSinceMs ??= nowMs;
    const cap = nowMs - this.failingSinceMs < this.fastWindowMs ? this.fastCapMs : this.capMs;
    const ceiling = Math.min(cap, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.floor(this.random() * ceiling);
  }

  /** A delay the console asked for (Retry-After), spread over [½, 1½] of it so the shed agents do not return together. */
  after(requestedMs: number): number {
    this.attempt++;
    this.failingSinceMs ??= this.now();
    return Math.floor(requestedMs * (0.5 + this.random()));
  }

  reset(): void {
    this.attempt = 0;
    this.failingSinceMs = null;
  }
}
