/**
 * The per-address brake on password guessing. It SLOWS an address that keeps failing (a delay
 * that doubles with every failure past a free allowance, forgiven one failure per interval) and
 * never locks anyone out: people behind the same NAT or load balancer still log in, only later.
 * A successful login never lowers the address's score (an attacker with one good account could
 * otherwise reset it between guesses); it only lets that person's own later logins from this
 * address skip the delay. In memory on purpose: per console node, reset by a restart.
 */
export interface LoginThrottleOptions {
  /** Failures an address may make before it is slowed down. */
  freeFailures: number;
  /** One failure is forgiven per this interval (a leaky bucket). */
  forgiveEveryMs: number;
  /** Delay after the first failure past the allowance; doubles with each further one… */
  baseDelayMs: number;
  /** …up to this. */
  maxDelayMs: number;
  /**
   * Logins from one address that may be waiting out their delay at once; more are refused with
   * 429 (a flood of parallel guesses would otherwise dodge the delay, and hold sockets open).
   */
  maxWaitingPerAddress: number;
  /** After a good login, that person's logins from that address skip the delay for this long. */
  knownGoodMs: number;
  /** Memory bound on the addresses (and known-good pairs) tracked. */
  maxTracked: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  freeFailures: 10,
  forgiveEveryMs: 60_000,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxWaitingPerAddress: 10,
  knownGoodMs: 24 * 60 * 60 * 1000,
  maxTracked: 10_000,
};

/** What `admit` decided: go ahead after `delayedMs`, or refuse (too many waiting already). */
export type Admission = { admitted: true; delayedMs: number } | { admitted: false; retryAfterS: number };

interface AddressScore {
  score: number;
  updatedAtMs: number;
  waiting: number;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class LoginThrottle {
  readonly options: LoginThrottleOptions;
  private readonly addresses = new Map<string, AddressScore>();
  private readonly knownGood = new Map<string, number>();

  constructor(
    options: Partial<LoginThrottleOptions> = {},
    private readonly sleep: (ms: number) => Promise<void> = sleepFor,
    private readonly now: () => number = Date.now,
  ) {
    this.options = { ...DEFAULT_LOGIN_THROTTLE, ...options };
  }

  /** How long a login of `username` from `address` would wait now (0: not slowed). */
  delayFor(address: string, username: string): number {
    if (this.isKnownGood(address, username)) return 0;
    const excess = Math.ceil(this.currentScore(address) - this.options.freeFailures);
    if (excess <= 0) return 0;
    return Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.min(excess - 1, 30));
  }

  /** Waits out the address's delay before a login is checked (right or wrong password alike). */
  async admit(address: string, username: string): Promise<Admission> {
    const delayedMs = this.delayFor(address, username);
    if (delayedMs === 0) return { admitted: true, delayedMs };
    const entry = this.entry(address);
    if (entry.waiting >= this.options.maxWaitingPerAddress) return { admitted: false, retryAfterS: Math.ceil(delayedMs / 1000) };
    entry.waiting += 1;
    try {
      await this.sleep(delayedMs);
    } finally {
      entry.waiting -= 1;
    }
    return { admitted: true, delayedMs };
  }

  /** One more failed login from this address (whatever user name it tried). */
  recordFailure(address: string): void {
    const entry = this.entry(address);
    entry.score = this.decayed(entry) + 1;
    entry.updatedAtMs = this.now();
  }

  /** A good login: only this person's later logins from here skip the delay; the address score stays. */
  recordSuccess(address: string, username: string): void {
    if (this.knownGood.size >= this.options.maxTracked) this.evictKnownGood();
    this.knownGood.set(this.pairKey(address, username), this.now() + this.options.knownGoodMs);
  }

  private isKnownGood(address: string, username: string): boolean {
    const until = this.knownGood.get(this.pairKey(address, username));
    return until !== undefined && until > this.now();
  }

  private currentScore(address: string): number {
    const entry = this.addresses.get(address);
    return entry ? this.decayed(entry) : 0;
  }

  private decayed(entry: AddressScore): number {
    return Math.max(0, entry.score - (this.now() - entry.updatedAtMs) / this.options.forgiveEveryMs);
  }

  private entry(address: string): AddressScore {
    let entry = this.addresses.get(address);
    if (!entry) {
      if (this.addresses.size >= this.options.maxTracked) this.evictAddresses();
      entry = { score: 0, updatedAtMs: this.now(), waiting: 0 };
      this.addresses.set(address, entry);
    }
    return entry;
  }

  private pairKey(address: string, username: string): string {
    return `${address}\u0000${username.normalize('NFKC').toLowerCase()}`;
  }

  private evictAddresses(): void {
    for (const [address, entry] of this.addresses) if (entry.waiting === 0 && this.decayed(entry) === 0) this.addresses.delete(address);
    // Under a flood of distinct addresses, forget the oldest rather than grow without bound.
    for (const address of this.addresses.keys()) {
      if (this.addresses.size < this.options.maxTracked) break;
      this.addresses.delete(address);
    }
  }

  private evictKnownGood(): void {
    const now = this.now();
    for (const [key, until] of this.knownGood) if (until <= now) this.knownGood.delete(key);
    for (const key of this.knownGood.keys()) {
      if (this.knownGood.size < this.options.maxTracked) break;
      this.knownGood.delete(key);
    }
  }
}
