/** One thing the console needs before it should get traffic. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when fine; throws or resolves with a short reason when not. */
  check(): Promise<string | undefined>;
}

export interface ReadinessReport {
  ready: boolean;
  /** `ok`, or a short fixed reason (never an error message that could quote a secret or a path). */
  checks: Record<string, string>;
}

/** A check slower than this counts as failed: a load balancer's probe must not hang. */
const CHECK_TIMEOUT_MS = 2000;

function withTimeout(work: Promise<string | undefined>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CHECK_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Readiness of this console node for /readyz: started (store opened, migrations applied, signing
 * key loaded, listening), not stopping, and every check passing now.
 */
export class Readiness {
  private phase: 'starting' | 'serving' | 'stopping' = 'starting';

  constructor(private readonly checks: readonly ReadinessCheck[]) {}

  /** Called once the node listens (everything it needs was loaded before). */
  markServing(): void {
    if (this.phase === 'starting') this.phase = 'serving';
  }

  /** Called when shutdown begins, so load balancers stop sending traffic first. */
  markStopping(): void {
    this.phase = 'stopping';
  }

  async report(): Promise<ReadinessReport> {
    const checks: Record<string, string> = { lifecycle: this.phase === 'serving' ? 'ok' : this.phase };
    await Promise.all(
      this.checks.map(async (c) => {
        const reason = await withTimeout(c.check()).catch(() => 'failed');
        checks[c.name] = reason ?? 'ok';
      }),
    );
    return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
  }
}
