import { EVENT_STREAM_MESSAGES, type StoredEvent, type StreamEndReason } from '@dlp/shared';
import type { Request, Response } from 'express';
import type { Principal } from '../auth/principal';
import type { LiveAccess, LiveAccessTimings } from '../service-kit/live-access';
import type { EventService } from './event-service';

/**
 * A client that falls this far behind (bytes queued in the socket) is dropped rather than letting
 * the console buffer without bound; the browser's EventSource reconnects and re-queries.
 */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface EventStreamTimings extends LiveAccessTimings {
  /** Comment line interval, so proxies and browsers keep an idle connection open. */
  heartbeatMs: number;
  /** A stream ends after this long, minus up to 10 % (the client reconnects and is authenticated again). */
  maxLifetimeMs: number;
}

/** Documented defaults: 15 s heartbeat, 1 h lifetime, access re-checked every 30 s and whenever the principal epoch moves (read every second). */
export const DEFAULT_STREAM_TIMINGS: EventStreamTimings = { heartbeatMs: 15_000, maxLifetimeMs: 60 * 60 * 1000, recheckMs: 30_000, epochPollMs: 1_000 };

/**
 * Live events over Server-Sent Events: one `event: events` message per committed batch, and a
 * comment line every `heartbeatMs`. A stream never outlives its credential (LiveAccess: a
 * revocation on any node closes it at once, a re-check every `recheckMs` and on every principal
 * epoch move), and it ends after `maxLifetimeMs` whatever happens.
 */
export class EventStreams {
  private readonly open = new Set<{ end(reason: StreamEndReason): void }>();

  constructor(
    private readonly events: EventService,
    private readonly access: LiveAccess,
    private readonly timings: Pick<EventStreamTimings, 'heartbeatMs' | 'maxLifetimeMs'>,
  ) {}

  get size(): number {
    return this.open.size;
  }

  /**
   * Serves one stream to `principal`, who authenticated with `credential` (the session token or
   * the API token, kept only by LiveAccess to resolve it again).
   */
  attach(req: Request, res: Response, principal: Principal, credential: string): void {
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Tells reverse proxies not to buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 3000\n: connected\n\n');

    let ended = false;
    const write = (chunk: string): void => {
      if (ended) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        stop();
        res.destroy();
        return;
      }
      res.write(chunk);
    };
    const stream = {
      end: (reason: StreamEndReason): void => {
        if (ended) return;
        write(`event: ${EVENT_STREAM_MESSAGES.end}\ndata: ${JSON.stringify({ reason })}\n\n`);
        stop();
        res.end();
      },
    };
    const held = this.access.hold(principal, credential, (reason) => stream.end(reason));
    const unsubscribe = this.events.subscribe((batch: StoredEvent[]) => write(`event: ${EVENT_STREAM_MESSAGES.events}\ndata: ${JSON.stringify(batch)}\n\n`));
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), this.timings.heartbeatMs);
    // Up to 10 % earlier, so streams opened together (after a deploy) do not all reconnect together.
    const lifetimeMs = this.timings.maxLifetimeMs - Math.floor(Math.random() * this.timings.maxLifetimeMs * 0.1);
    const lifetime = setTimeout(() => stream.end('lifetime'), lifetimeMs);
    const stop = (): void => {
      ended = true;
      clearInterval(heartbeat);
      clearTimeout(lifetime);
      held.release();
      unsubscribe();
      this.open.delete(stream);
    };
    this.open.add(stream);
    req.on('close', stop);
    res.on('close', stop);
  }

  /** Ends every stream (shutdown), so the HTTP server can close. */
  closeAll(): void {
    for (const stream of [...this.open]) stream.end('shutdown');
  }
}
