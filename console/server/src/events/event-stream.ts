import { EVENT_STREAM_MESSAGES, type StoredEvent, type StreamEndReason } from '@dlp/shared';
import type { Request, Response } from 'express';
import { revocationApplies, streamSessionKey, type ConnectionHolder, type PrincipalRevocation } from '../auth/principal-revocation';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import type { AuthService, Principal } from '../accounts/auth-service';
import type { ConsoleEvents } from '../service-kit/console-events';
import type { EventService } from './event-service';

/**
 * A client that falls this far behind (bytes queued in the socket) is dropped rather than letting
 * the console buffer without bound; the browser's EventSource reconnects and re-queries.
 */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface EventStreamTimings {
  /** Comment line interval, so proxies and browsers keep an idle connection open. */
  heartbeatMs: number;
  /** A stream ends after this long, minus up to 10 % (the client reconnects and is authenticated again). */
  maxLifetimeMs: number;
  /** How often a stream's credential is resolved again: the second line behind revocation messages. */
  recheckMs: number;
}

/** Documented defaults: 15 s heartbeat, 1 h lifetime, access re-checked every 30 s. */
export const DEFAULT_STREAM_TIMINGS: EventStreamTimings = { heartbeatMs: 15_000, maxLifetimeMs: 60 * 60 * 1000, recheckMs: 30_000 };

/** What `resolve` gives back for the credential a stream was opened with. */
type Resolver = Pick<AuthService, 'principalForSession' | 'principalForApiToken'>;

interface OpenStream {
  holder: ConnectionHolder;
  end(reason: StreamEndReason): void;
}

/** Whether `now` still grants what `opened` was given: same person and credential, same role, no forced password change. */
function stillGranted(opened: Principal, now: Principal | undefined): boolean {
  return now !== undefined && now.person.id === opened.person.id && now.user.id === opened.user.id && now.user.role === opened.user.role && !now.mustChangePassword;
}

/**
 * Live events over Server-Sent Events: one `event: events` message per committed batch, and a
 * comment line every `heartbeatMs`. A stream never outlives its credential: a revocation (on any
 * node, through the cluster bus) closes it at once, its credential is resolved again every
 * `recheckMs`, and it ends after `maxLifetimeMs` whatever happens.
 */
export class EventStreams {
  private readonly open = new Set<OpenStream>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly events: EventService,
    bus: ConsoleEvents,
    private readonly auth: Resolver,
    private readonly timings: EventStreamTimings,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = bus.on('principal-revoked', (revocation) => this.revoke(revocation));
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * Serves one stream to `principal`, who authenticated with `credential` (the session token or
   * the API token, kept only in this closure to resolve it again).
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

    const holder: ConnectionHolder = { personId: principal.person.id };
    if (principal.via === 'session') holder.sessionKey = streamSessionKey(credential);
    if (principal.apiTokenId !== undefined) holder.tokenId = principal.apiTokenId;

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
    const stream: OpenStream = {
      holder,
      end: (reason) => {
        if (ended) return;
        write(`event: ${EVENT_STREAM_MESSAGES.end}\ndata: ${JSON.stringify({ reason })}\n\n`);
        stop();
        res.end();
      },
    };
    const unsubscribe = this.events.subscribe((batch: StoredEvent[]) => write(`event: ${EVENT_STREAM_MESSAGES.events}\ndata: ${JSON.stringify(batch)}\n\n`));
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), this.timings.heartbeatMs);
    // Up to 10 % earlier, so streams opened together (after a deploy) do not all reconnect together.
    const lifetimeMs = this.timings.maxLifetimeMs - Math.floor(Math.random() * this.timings.maxLifetimeMs * 0.1);
    const lifetime = setTimeout(() => stream.end('lifetime'), lifetimeMs);
    let checking = false;
    const recheck = setInterval(() => {
      if (checking) return;
      checking = true;
      this.resolve(principal, credential)
        .then((now) => {
          if (!stillGranted(principal, now)) stream.end('access');
        })
        // The database did not answer: keep the stream (revocation messages still close it) and ask again next time.
        .catch((err: unknown) => this.logger.warn('live stream access re-check failed', errorFields(err)))
        .finally(() => void (checking = false));
    }, this.timings.recheckMs);
    const stop = (): void => {
      ended = true;
      clearInterval(heartbeat);
      clearInterval(recheck);
      clearTimeout(lifetime);
      unsubscribe();
      this.open.delete(stream);
    };
    this.open.add(stream);
    req.on('close', stop);
    res.on('close', stop);
  }

  /** Ends every stream the revocation names (called for revocations made on this node and relayed from others). */
  revoke(revocation: PrincipalRevocation): number {
    let closed = 0;
    for (const stream of [...this.open]) {
      if (!revocationApplies(revocation, stream.holder)) continue;
      stream.end('revoked');
      closed += 1;
    }
    if (closed > 0) this.logger.info('live streams closed', { scope: revocation.scope, reason: revocation.reason, streams: closed });
    return closed;
  }

  /** Ends every stream (shutdown), so the HTTP server can close. */
  closeAll(): void {
    this.unsubscribe();
    for (const stream of [...this.open]) stream.end('shutdown');
  }

  private resolve(opened: Principal, credential: string): Promise<Principal | undefined> {
    return opened.via === 'session' ? this.auth.principalForSession(credential) : this.auth.principalForApiToken(credential);
  }
}
