/**
 * Slows down password guessing: after `maxFailures` failed logins for one (client address,
 * username) within `windowMs`, further attempts are refused until the window passes. In memory on
 * purpose: a restart resets it, which costs an attacker a restart they cannot trigger.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; firstAtMs: number }>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 15 * 60 * 1000,
    private readonly maxTrackedKeys = 10_000,
  ) {}

  /** True when this client may try this username now. */
  allows(clientAddress: string, username: string, nowMs = Date.now()): boolean {
    const entry = this.failures.get(this.key(clientAddress, username));
    if (!entry || nowMs - entry.firstAtMs >= this.windowMs) return true;
    return entry.count < this.maxFailures;
  }

  recordFailure(clientAddress: string, username: string, nowMs = Date.now()): void {
    const key = this.key(clientAddress, username);
    const entry = this.failures.get(key);
    if (!entry || nowMs - entry.firstAtMs >= this.windowMs) {
      if (this.failures.size >= this.maxTrackedKeys) this.evictExpired(nowMs);
      this.failures.set(key, { count: 1, firstAtMs: nowMs });
    } else {
      entry.count += 1;
    }
  }

  recordSuccess(clientAddress: string, username: string): void {
    this.failures.delete(this.key(clientAddress, username));
  }

  private key(clientAddress: string, username: string): string {
    return `${clientAddress}\u0000${username.toLowerCase()}`;
  }

  private evictExpired(nowMs: number): void {
    for (const [key, entry] of this.failures) {
      if (nowMs - entry.firstAtMs >= this.windowMs) this.failures.delete(key);
    }
    // Under a flood of distinct keys, forget the oldest rather than grow without bound.
    while (this.failures.size >= this.maxTrackedKeys) {
      const oldest = this.failures.keys().next();
      if (oldest.done) break;
      this.failures.delete(oldest.value);
    }
  }
}
