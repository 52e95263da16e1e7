/**
 * Enrollments per minute per enroll secret: a token bucket per secret holding one minute's worth,
 * refilled continuously. In memory per console node (each node of a cluster brakes on its own).
 */
export class EnrollRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; lastMs: number; perMinute: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxTracked = 10_000,
  ) {}

  /** Takes one enrollment for `secretId`; 0 when allowed, else the milliseconds until the next one is. */
  take(secretId: string, perMinute: number): number {
    const nowMs = this.now();
    let bucket = this.buckets.get(secretId);
    if (!bucket || bucket.perMinute !== perMinute) {
      if (!bucket && this.buckets.size >= this.maxTracked) this.forgetFull(nowMs);
      bucket = { tokens: perMinute, lastMs: nowMs, perMinute };
      this.buckets.set(secretId, bucket);
    }
    // A clock that steps backwards must not mint tokens.
    const elapsed = Math.max(0, nowMs - bucket.lastMs);
    bucket.lastMs = nowMs;
    bucket.tokens = Math.min(perMinute, bucket.tokens + (elapsed * perMinute) / 60_000);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - bucket.tokens) * 60_000) / perMinute));
  }

  private forgetFull(nowMs: number): void {
    for (const [id, bucket] of this.buckets) {
      if (bucket.tokens + ((nowMs - bucket.lastMs) * bucket.perMinute) / 60_000 >= bucket.perMinute) this.buckets.delete(id);
    }
    for (const id of this.buckets.keys()) {
      if (this.buckets.size < this.maxTracked) break;
      this.buckets.delete(id);
    }
  }
}
