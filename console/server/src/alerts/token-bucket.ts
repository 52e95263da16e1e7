/**
 * A token bucket: `burst` tokens, refilled continuously at `perMinute`. The clock is injected so
 * tests can move time instead of waiting.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly burst: number,
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.lastMs = now();
  }

  /** Takes one token if there is one. */
  tryTake(): boolean {
    const nowMs = this.now();
    // A clock that steps backwards must not mint tokens.
    const elapsed = Math.max(0, nowMs - this.lastMs);
    this.lastMs = nowMs;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perMinute) / 60_000);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
