import { LIMITS, type DeviceIdentity, type ExceptionReceiptMessage, type PolicyException } from '@dlp/shared';
import type { ActiveExceptions, EventSink } from '../controls/agent-control';
import { NO_EXCEPTIONS } from '../controls/agent-control';
import type { Logger } from '../logger';
import { ExceptionStore, type RedeemResult } from './exception-store';
import { locateUnlockTypo } from './unlock-typo';

export type ExceptionReceipt = Omit<ExceptionReceiptMessage, 'v' | 'type'>;

/** A redeem result, with the position of the mistyped character when one can be named. */
export type UnlockOutcome = RedeemResult & { position?: number };

export interface AgentExceptionsOptions {
  dataDir: string;
  record: EventSink;
  log: Logger;
  /** The unlock key from credentials.json (null until enrollment hands one over). */
  unlockKey: () => Uint8Array | null;
  now?: () => number;
}

/** Who we are and whom we trust: the store opens only once both are known (after enrollment). */
export interface ExceptionIdentity {
  agentId: string;
  consoleKey: { keyId: string; publicKey: string };
}

/**
 * The service's side of exceptions: opens the ExceptionStore once the agent is enrolled (at boot, or
 * right after enrollment), answers the console's `exception` and `exception-revoke` with receipts,
 * redeems unlock codes, and tells listeners (the controls) when what is in force changed.
 */
export class AgentExceptions {
  private store: ExceptionStore | null = null;
  private identity: ExceptionIdentity | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: AgentExceptionsOptions) {}

  /** Opens the store for this agent and console key; what it loads from disk counts as a change. */
  async open(identity: ExceptionIdentity): Promise<void> {
    this.close();
    this.store = await ExceptionStore.open({
      dataDir: this.options.dataDir,
      agentId: identity.agentId,
      consoleKey: identity.consoleKey,
      emit: this.options.record,
      unlockKey: this.options.unlockKey,
      log: this.options.log,
      ...(this.options.now ? { now: this.options.now } : {}),
    });
    this.identity = identity;
    this.unsubscribe = this.store.onChange(() => this.changed());
    this.changed();
  }

  /** What is in force now (nothing before enrollment). */
  active(): ActiveExceptions {
    if (!this.store) return NO_EXCEPTIONS;
    const apps = this.store.active().flatMap((e) => (e.target.kind === 'app' ? [{ id: e.id, sha256: e.target.sha256 }] : []));
    return { apps, usb: this.store.usbGrants() };
  }

  /** The signed exceptions in force now, whole (the employee channel matches requests to them). */
  grantedNow(): PolicyException[] {
    return this.store?.active() ?? [];
  }

  /** Calls `listener` whenever `active()` may have changed. Returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Verifies and keeps a signed exception pushed by the console (`raw` exactly as received). */
  async receive(raw: unknown, id: string): Promise<ExceptionReceipt> {
    if (!this.store) return { id, status: 'rejected', error: 'the agent is not enrolled' };
    const result = await this.store.add(raw);
    if (result.ok) {
      this.options.log.info('exception applied', { id, target: result.exception.target.kind, expiresAt: result.exception.expiresAt, changed: result.changed });
      return { id, status: 'applied' };
    }
    this.options.log.warn('refused an exception', { id, reason: result.reason, message: result.message });
    if (result.reason === 'bad_signature' || result.reason === 'unknown_key') {
      // Not the console's signature: someone is trying to relax enforcement.
      this.options.record({ type: 'agent', action: 'blocked', severity: 'high', ruleId: null, subject: { kind: 'agent', message: `refused a pushed exception: ${result.reason}`, details: { exceptionId: id } } });
    }
    return { id, status: 'rejected', error: `${result.reason}: ${result.message}`.slice(0, LIMITS.maxText) };
  }

  /** Withdraws an exception. Unsigned on purpose: it can only make the agent stricter. */
  async revoke(id: string): Promise<ExceptionReceipt> {
    if (!this.store) return { id, status: 'rejected', action: 'revoke', error: 'the agent is not enrolled' };
    const removed = await this.store.revoke(id);
    this.options.log.info('exception revoked', { id, wasInForce: removed });
    // Either way the exception is not in force any more, which is what the console asked for.
    return removed ? { id, status: 'applied', action: 'revoke' } : { id, status: 'applied', action: 'revoke', error: 'not in force on this agent (expired or never received)' };
  }

  /** Redeems an unlock code for one of the restricted devices plugged in now. */
  async redeem(code: string, candidates: readonly DeviceIdentity[]): Promise<UnlockOutcome> {
    if (!this.store || !this.identity) return { ok: false, reason: 'unavailable', message: 'unlock codes are not available on this computer yet' };
    const result = await this.store.redeemUnlockCode(code, candidates);
    if (result.ok || (result.reason !== 'format' && result.reason !== 'checksum')) return result;
    const key = this.options.unlockKey();
    const nowMs = (this.options.now ?? Date.now)();
    const position = locateUnlockTypo(code, key ? { key, agentId: this.identity.agentId, candidates, nowMs } : null);
    return position === null ? result : { ...result, position };
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.store?.close();
    this.store = null;
    this.identity = null;
  }

  private changed(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (err) {
        this.options.log.error('exception listener failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
}
