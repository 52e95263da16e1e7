/**
 * The live event stream, `GET /api/v1/events/stream` (Server-Sent Events): the names of its
 * messages, which the console writes and the web UI listens for.
 */
export const EVENT_STREAM_MESSAGES = {
  /** `data:` is a JSON array of StoredEvent: one committed batch. */
  events: 'events',
  /** The console's last message before it ends a stream; `data:` is `{"reason": StreamEndReason}`. */
  end: 'end',
} as const;

/**
 * Why the console ended a stream: `lifetime` (streams have a maximum age: reconnect at once),
 * `revoked` and `access` (the credential ended or lost access: a reconnect gets 401/403),
 * `shutdown` (this node stops: another node answers the reconnect).
 */
export const STREAM_END_REASONS = ['lifetime', 'revoked', 'access', 'shutdown'] as const;
export type StreamEndReason = (typeof STREAM_END_REASONS)[number];
