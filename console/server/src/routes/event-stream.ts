import type { StoredEvent } from '@dlp/shared';
import type { Request, Response } from 'express';
import type { EventService } from '../services/event-service';

/**
 * A client that falls this far behind (bytes queued in the socket) is dropped rather than letting
 * the console buffer without bound; the browser's EventSource reconnects and re-queries.
 */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * Live events over Server-Sent Events: one `event: events` message per committed batch, and a
 * comment line every `heartbeatMs` so proxies and browsers keep the connection open.
 */
export class EventStreams {
  private readonly open = new Set<Response>();

  constructor(
    private readonly events: EventService,
    private readonly heartbeatMs: number,
  ) {}

  get size(): number {
    return this.open.size;
  }

  attach(req: Request, res: Response): void {
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Tells reverse proxies not to buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 3000\n: connected\n\n');
    this.open.add(res);

    const write = (chunk: string): void => {
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        stop();
        res.destroy();
        return;
      }
      res.write(chunk);
    };
    const unsubscribe = this.events.subscribe((batch: StoredEvent[]) => write(`event: events\ndata: ${JSON.stringify(batch)}\n\n`));
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), this.heartbeatMs);
    const stop = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(res);
    };
    req.on('close', stop);
    res.on('close', stop);
  }

  /** Ends every stream (shutdown), so the HTTP server can close. */
  closeAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}
