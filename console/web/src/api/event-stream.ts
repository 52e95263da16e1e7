import { EVENT_STREAM_MESSAGES, STREAM_END_REASONS, storedEvent, type StoredEvent, type StreamEndReason } from '@dlp/shared';

/** connecting: first attempt; live: the stream is open; reconnecting: lost, trying again. */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

export interface EventStreamListener {
  /** Valid events of one committed batch, in the order the console sent them. */
  onEvents(events: StoredEvent[]): void;
  onStatus(status: StreamStatus): void;
  /** Some frames or events did not match the contract and were dropped. */
  onRejected?(count: number): void;
  /** The console refused the stream (e.g. the session ended); a new attempt follows after a delay. */
  onRefused?(): void;
}

export interface EventStreamHandle {
  close(): void;
}

export interface EventStreamOptions {
  /** Delay before a new attempt after the console refused the stream. */
  retryDelayMs?: number;
  createSource?: (url: string) => EventSource;
}

function isEndReason(value: unknown): value is StreamEndReason {
  return STREAM_END_REASONS.some((reason) => reason === value);
}

/** The reason of an `end` message, or undefined when the payload is not one (or names no known reason). */
export function parseEndReason(data: unknown): StreamEndReason | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === 'object' && value !== null && 'reason' in value && isEndReason(value.reason)) return value.reason;
  } catch {
    // Not JSON: no reason.
  }
  return undefined;
}

/**
 * Validates one SSE `data:` payload event by event, so one malformed event cannot hide the rest of
 * its batch.
 */
export function parseEventBatch(data: string): { events: StoredEvent[]; rejected: number } {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { events: [], rejected: 1 };
  }
  if (!Array.isArray(value)) return { events: [], rejected: 1 };
  const events: StoredEvent[] = [];
  let rejected = 0;
  for (const item of value) {
    const parsed = storedEvent.safeParse(item);
    if (parsed.success) events.push(parsed.data);
    else rejected++;
  }
  return { events, rejected };
}

/**
 * Subscribes to the console's live event stream. EventSource reconnects by itself after network
 * errors; when the console answers with an error status it gives up, so we start a new one later.
 * When the console ends the stream on purpose (its lifetime is over, or the credential ended) a
 * new one is opened at once: it is live again without the user noticing, or it is refused (401)
 * and `onRefused` leads to the sign-in page.
 */
export function openEventStream(url: string, listener: EventStreamListener, options: EventStreamOptions = {}): EventStreamHandle {
  const retryDelayMs = options.retryDelayMs ?? 5000;
  const createSource = options.createSource ?? ((target: string) => new EventSource(target));
  let source: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const connect = () => {
    const current = createSource(url);
    source = current;
    current.addEventListener('open', () => {
      if (!closed) listener.onStatus('live');
    });
    current.addEventListener(EVENT_STREAM_MESSAGES.events, (message) => {
      if (closed || !(message instanceof MessageEvent) || typeof message.data !== 'string') return;
      const batch = parseEventBatch(message.data);
      if (batch.rejected > 0) listener.onRejected?.(batch.rejected);
      if (batch.events.length > 0) listener.onEvents(batch.events);
    });
    current.addEventListener(EVENT_STREAM_MESSAGES.end, (message) => {
      if (closed || !(message instanceof MessageEvent)) return;
      const reason = parseEndReason(message.data);
      // A node shutting down: EventSource's own reconnect (after the server's retry delay) finds another node.
      if (reason === 'shutdown') return;
      current.close();
      listener.onStatus('reconnecting');
      connect();
    });
    current.addEventListener('error', () => {
      if (closed) return;
      listener.onStatus('reconnecting');
      if (current.readyState === EventSource.CLOSED) {
        current.close();
        listener.onRefused?.();
        retryTimer = setTimeout(connect, retryDelayMs);
      }
    });
  };

  listener.onStatus('connecting');
  connect();
  return {
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      source?.close();
    },
  };
}
