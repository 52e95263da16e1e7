/**
 * Size limits enforced on both sides of every boundary. One file so agent and console can never
 * disagree: a batch the agent is allowed to build is always a batch the console accepts.
 */
export const LIMITS = {
  /** Largest ws frame either side accepts; larger frames close the connection with 1009. */
  maxMessageBytes: 1024 * 1024,
  /** Most events in one `events` message. */
  maxBatchEvents: 500,
  /**
   * Event batches an agent sends before the first of them is acked. The console commits batches
   * that arrive together in one transaction, so a window above 1 keeps it writing while acks
   * travel; the fleet simulator and the ingest benchmark use the same window as the agent.
   */
  agentInFlightBatches: 4,
  /** Identifiers, names, host and user names. */
  maxShortString: 256,
  /** File system paths and globs. */
  maxPath: 4096,
  /** Free text (descriptions, justifications, error messages). */
  maxText: 2000,
  /** Rules per policy section. */
  maxRules: 5000,
  /** Events the agent keeps before it must drop the oldest and record a gap. */
  outboxMaxEvents: 200_000,
  /**
   * Most events written in one transaction, by the agent's outbox and by the console's group commit:
   * bounds the latency of the first write of a group and the size of one SQLite transaction, while
   * a burst (or many agents) still shares one fsync.
   */
  maxEventsPerCommit: 5000,
  /** REST page size cap. */
  maxPageSize: 1000,
  /** Default REST page size. */
  defaultPageSize: 100,
  /** Largest REST JSON body. */
  maxRestBodyBytes: 2 * 1024 * 1024,
} as const;

/** The wire protocol version both sides speak. A peer with another version is refused. */
export const PROTOCOL_VERSION = 1;

/** ws close codes (4000-4999 are application-defined) with their meaning. */
export const CLOSE_CODES = {
  /** The frame was not JSON or did not match the protocol schema. */
  badMessage: 4400,
  /** No valid credentials in `hello`, or the enroll secret was wrong. */
  unauthorized: 4401,
  /** The agent's token was revoked by an admin. */
  revoked: 4403,
  /** The peer speaks another protocol version. */
  protocolVersion: 4406,
  /** The first message did not arrive in time. */
  helloTimeout: 4408,
  /** A newer connection for the same agent replaced this one. */
  replaced: 4409,
  /** The enroll secret needs an admin's approval and this agent's request is waiting: retry later. */
  enrollPending: 4202,
  /** Too many enrollments with this secret right now: retry after the `retryAfterMs` of the error. */
  rateLimited: 4429,
  /** The console is shutting down; reconnect later. */
  goingAway: 1001,
  /** Frame larger than LIMITS.maxMessageBytes (set by the ws library). */
  tooBig: 1009,
} as const;
