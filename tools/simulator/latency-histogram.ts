/**
 * Latencies in log-spaced buckets (5 % wide): percentiles within 5 % from constant memory, and
 * mergeable, so worker processes can send their counts to the parent instead of every sample.
 */
const GROWTH = 1.05;
const LOG_GROWTH = Math.log(GROWTH);
/** Bucket 0 holds everything up to 0.1 ms; the last bucket everything beyond about 1 hour. */
const MIN_MS = 0.1;
const BUCKETS = Math.ceil(Math.log(3_600_000 / MIN_MS) / LOG_GROWTH) + 1;

export class LatencyHistogram {
  readonly counts: number[];
  count = 0;

  constructor(counts?: readonly number[]) {
    this.counts = counts ? [...counts] : new Array<number>(BUCKETS).fill(0);
    this.count = this.counts.reduce((a, b) => a + b, 0);
  }

  record(ms: number): void {
    const index = ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / LOG_GROWTH));
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.count += 1;
  }

  merge(other: { counts: readonly number[] }): void {
    other.counts.forEach((n, i) => {
      this.counts[i] = (this.counts[i] ?? 0) + n;
      this.count += n;
    });
  }

  /** Upper bound of the bucket holding the p-th percentile (ms), or NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return MIN_MS * GROWTH ** i;
    }
    return MIN_MS * GROWTH ** (this.counts.length - 1);
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
  }
}
