import { CLOSE_CODES } from '@dlp/shared';
import type { Logger } from '../logger';
import type { Backoff } from './backoff';
import type { LinkTimings } from './link-timings';

/** How the last connection ended, as far as choosing the next attempt goes. */
export interface ClosedConnection {
  code: number;
  reason: string;
  mode: 'enroll' | 'hello';
  /** Credentials were just saved: say hello at once. */
  justEnrolled: boolean;
  /** The console presented a certificate key other than the pinned one. */
  pinRefused: boolean;
  /** `retryAfterMs` of the console's last error frame, or its 503 Retry-After. */
  retryAfterMs: number | null;
}

/**
 * How long to wait before the next attempt, by why the connection ended: at once after enrolling,
 * when told for pending approval or rate limits, slowly when an admin must act, else backoff.
 */
export function reconnectDelay(closed: ClosedConnection, timings: LinkTimings, backoff: Backoff, log: Logger): number {
  const { code, reason, retryAfterMs } = closed;
  if (closed.justEnrolled) return 0;
  if (closed.pinRefused) return timings.rejectedRetryMs;
  if (code === CLOSE_CODES.enrollPending || code === CLOSE_CODES.rateLimited) {
    // Waiting for approval, or too many enrollments at once: come back when told, spread out a little.
    const asked = retryAfterMs ?? timings.backoffCapMs;
    const delay = Math.min(asked, timings.rejectedRetryMs) + Math.floor(Math.random() * Math.min(asked, 5_000) * 0.2);
    if (code === CLOSE_CODES.rateLimited) log.warn('the console is rate limiting enrollments; retrying later', { retryInMs: delay });
    return delay;
  }
  if (code === CLOSE_CODES.unauthorized && closed.mode === 'enroll') {
    log.error('the console refused the enroll secret; retrying (an admin may issue a new one)', { code });
    return backoff.next();
  }
  if (code === CLOSE_CODES.unauthorized || code === CLOSE_CODES.revoked) {
    const why = code === CLOSE_CODES.revoked ? 'revoked this agent' : 'rejected this agent’s credentials';
    log.error(`the console ${why}; still enforcing the last good policy, retrying slowly`, { code, retryInMs: timings.rejectedRetryMs });
    return timings.rejectedRetryMs;
  }
  if (code === CLOSE_CODES.protocolVersion) {
    log.error('the console speaks another protocol version; retrying slowly', { code, reason });
    return timings.rejectedRetryMs;
  }
  // A 503 Retry-After (the console shedding load) is honoured, spread out.
  const delay = retryAfterMs === null ? backoff.next() : backoff.after(retryAfterMs);
  log.warn('console connection closed; reconnecting', { code, reason, retryInMs: delay });
  return delay;
}

/** The wait a refused upgrade asks for (503 Retry-After, seconds), bounded to a minute; null if none. */
export function upgradeRetryAfterMs(status: number, retryAfter: string | undefined): number | null {
  const seconds = Number(retryAfter);
  // Bounded: a console (or something in between) cannot park the agent for long.
  return status === 503 && Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1000 : null;
}
