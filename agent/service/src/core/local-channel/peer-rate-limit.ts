/**
 * Requests per account on the local channel: a token bucket per uid, so one user's script cannot
 * starve the agent or another user's tray. Root (helpdesk scripts) gets a larger bucket, not none.
 */
export interface RateLimitSettings {
  burst: number;
  perSecond: number;
}

export const USER_RATE: RateLimitSettings = { burst: 30, perSecond: 5 };
export const ROOT_RATE: RateLimitSettings = { burst: 200, perSecond: 50 };

interface Bucket {
  tokens: number;
  at: number;
}

export class PeerRateLimit {
  private readonly buckets = new Map<number, Bucket>();

  constructor(
    private readonly settingsFor: (uid: number) => RateLimitSettings = (uid) => (uid === 0 ? ROOT_RATE : USER_RATE),
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Takes one token for `uid`: 0 when the request may go ahead, else milliseconds until it may. */
  take(uid: number): number {
    const { burst, perSecond } = this.settingsFor(uid);
    const now = this.now();
    const bucket = this.buckets.get(uid) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(uid, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / perSecond) * 1000);
  }
}
