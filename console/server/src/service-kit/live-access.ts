import { revocationApplies, streamSessionKey, type ConnectionHolder, type PrincipalRevocation } from '../auth/principal-revocation';
import type { Principal, PrincipalResolver } from '../auth/principal';
import { errorFields, type Logger } from '../logging/logger';
import type { ConsoleEvents } from './console-events';

/** Why a held connection ends: a revocation named it, or its credential no longer grants the same access. */
export type AccessEndReason = 'revoked' | 'access';

export interface LiveAccessTimings {
  /** How often each connection's credential is resolved again: the second line behind revocation messages. */
  recheckMs: number;
  /**
   * How often the store's principal epoch is read: when it moved (a change no message announces,
   * such as the `dlp` CLI beside a running console), every connection is re-checked at once.
   */
  epochPollMs: number;
}

interface HeldConnection {
  holder: ConnectionHolder;
  end(reason: AccessEndReason): void;
  recheck(): void;
}

/** Whether `now` still grants what `opened` was given: same person and credential, same role, no forced password change. */
function stillGranted(opened: Principal, now: Principal | undefined): boolean {
  return now !== undefined && now.person.id === opened.person.id && now.user.id === opened.user.id && now.user.role === opened.user.role && !now.mustChangePassword;
}

/**
 * Everything a person holds open longer than one request (live event streams, CSV downloads) ends
 * with their credential: a revocation on any node (through the bus) ends it at once, a change no
 * message announces is caught by the store's principal epoch within `epochPollMs`, and each
 * connection's credential is resolved again every `recheckMs` whatever happens.
 */
export class LiveAccess {
  private readonly held = new Set<HeldConnection>();
  private readonly unsubscribe: () => void;
  private readonly epochPoll: NodeJS.Timeout | undefined;
  private lastEpoch: number | undefined;
  private pollingEpoch = false;

  constructor(
    bus: ConsoleEvents,
    private readonly resolver: PrincipalResolver,
    private readonly timings: LiveAccessTimings,
    private readonly logger: Logger,
    /** The store's principal epoch (UserRepository.principalEpoch); without it only messages and the periodic re-check apply. */
    private readonly principalEpoch?: () => Promise<number>,
  ) {
    this.unsubscribe = bus.on('principal-revoked', (revocation) => this.revoke(revocation));
    if (principalEpoch) {
      this.epochPoll = setInterval(() => this.pollEpoch(), timings.epochPollMs);
      this.epochPoll.unref();
    }
  }

  get size(): number {
    return this.held.size;
  }

  /**
   * Holds a connection of `principal`, who authenticated with `credential` (kept only here, to
   * resolve it again); `end` is called once when access ends. Call `release` when the connection
   * ends for any other reason.
   */
  hold(principal: Principal, credential: string, end: (reason: AccessEndReason) => void): { release(): void } {
    const holder: ConnectionHolder = { personId: principal.person.id };
    if (principal.via === 'session') holder.sessionKey = streamSessionKey(credential);
    if (principal.apiTokenId !== undefined) holder.tokenId = principal.apiTokenId;
    let checking = false;
    let released = false;
    const release = (): void => {
      released = true;
      clearInterval(timer);
      this.held.delete(connection);
    };
    const connection: HeldConnection = {
      holder,
      end: (reason) => {
        if (released) return;
        release();
        end(reason);
      },
      recheck: () => {
        if (checking || released) return;
        checking = true;
        const resolved = principal.via === 'session' ? this.resolver.principalForSession(credential) : this.resolver.principalForApiToken(credential);
        resolved
          .then((now) => {
            if (!stillGranted(principal, now)) connection.end('access');
          })
          // The database did not answer: keep the connection (revocation messages still end it) and ask again next time.
          .catch((err: unknown) => this.logger.warn('live access re-check failed', errorFields(err)))
          .finally(() => void (checking = false));
      },
    };
    const timer = setInterval(() => connection.recheck(), this.timings.recheckMs);
    timer.unref();
    this.held.add(connection);
    return { release };
  }

  /** Ends every connection the revocation names (made on this node or relayed from others). */
  revoke(revocation: PrincipalRevocation): number {
    let closed = 0;
    for (const connection of [...this.held]) {
      if (!revocationApplies(revocation, connection.holder)) continue;
      connection.end('revoked');
      closed += 1;
    }
    if (closed > 0) this.logger.info('live connections closed', { scope: revocation.scope, reason: revocation.reason, connections: closed });
    return closed;
  }

  /** Stops listening (shutdown); connections are ended by their owners. */
  close(): void {
    this.unsubscribe();
    clearInterval(this.epochPoll);
  }

  /**
   * Reads the epoch and re-checks every held connection when it moved. Read even with nothing
   * held, so a change made just before a connection opens is not taken for the baseline afterwards.
   */
  private pollEpoch(): void {
    if (!this.principalEpoch || this.pollingEpoch) return;
    this.pollingEpoch = true;
    this.principalEpoch()
      .then((epoch) => {
        const moved = this.lastEpoch !== undefined && epoch !== this.lastEpoch;
        this.lastEpoch = epoch;
        if (moved) for (const connection of [...this.held]) connection.recheck();
      })
      .catch((err: unknown) => this.logger.warn('principal epoch read failed', errorFields(err)))
      .finally(() => void (this.pollingEpoch = false));
  }
}
