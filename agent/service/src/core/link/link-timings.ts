import { LIMITS } from '@dlp/shared';

/** Every delay and bound of the agent's console link (tests and benches shorten them). */
export interface LinkTimings {
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Backoff ceiling for the first `outageFastRetryWindowMs` of an outage (see Backoff). */
  outageBackoffCapMs: number;
  outageFastRetryWindowMs: number;
  /** Retry period after the console rejected or revoked our credentials (an admin must act). */
  rejectedRetryMs: number;
  heartbeatMs: number;
  /** Nothing heard from the console for this long: the connection is dead, reconnect. */
  idleTimeoutMs: number;
  /** A batch not acked for this long: reconnect and resend. */
  ackTimeoutMs: number;
  handshakeTimeoutMs: number;
  maxInFlightBatches: number;
}

/** The production timings. */
export const DEFAULT_LINK_TIMINGS: LinkTimings = {
  backoffBaseMs: 500,
  backoffCapMs: 30_000,
  // After a console outage agents return spread over 3 s (p95 reconnect under 5 s, docs/BENCHMARKS.md);
  // one that has been failing for 15 min retries up to 30 s apart instead.
  outageBackoffCapMs: 3000,
  outageFastRetryWindowMs: 15 * 60_000,
  rejectedRetryMs: 5 * 60_000,
  heartbeatMs: 30_000,
  idleTimeoutMs: 95_000,
  ackTimeoutMs: 120_000,
  handshakeTimeoutMs: 10_000,
  maxInFlightBatches: LIMITS.agentInFlightBatches,
};
