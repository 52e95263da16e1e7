import { canonicalJson, describeIssues, signedException, type DeviceIdentity, type PolicyException, type SignedException } from '@dlp/shared';
import { keyIdOf, normalizeTypedCode, verifyCanonical, verifyUnlockCode, type UnlockRefusal } from '@dlp/shared/node';
import type { UsbGrant } from '../../enforce/usb/usb-types';
import { silentLogger, type Logger } from '../logger';
import { ExceptionDisk, storedUnlockGrant, type RevokedEntry, type StoredUnlockGrant } from './exception-disk';
import { exceptionExpiredEvent, refusedFileEvent, unlockExpiredEvent, type ExceptionEventSink } from './exception-events';

export interface ExceptionStoreOptions {
  dataDir: string;
  /** This agent: exceptions for any other agent are refused. */
  agentId: string;
  /** The console key pinned at enrollment. */
  consoleKey: { keyId: string; publicKey: string };
  emit: ExceptionEventSink;
  /** The per-agent unlock key once enrollment handed it over; null until then. */
  unlockKey?: () => Uint8Array | null;
  log?: Logger;
  now?: () => number;
}

export type ExceptionRefusal = 'invalid' | 'unknown_key' | 'bad_signature' | 'other_agent' | 'expired' | 'revoked' | 'conflict';

export type AddExceptionResult =
  | { ok: true; exception: PolicyException; changed: boolean }
  | { ok: false; reason: ExceptionRefusal; message: string };

export type RedeemResult =
  | { ok: true; device: DeviceIdentity; expiresAt: Date }
  | { ok: false; reason: UnlockRefusal | 'unavailable' | 'no-device'; message: string };

/** Longest a single timer may wait (setTimeout's limit); a longer wait just re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Time-boxed exceptions signed by the console, and unlock codes redeemed offline. Both are verified
 * before use and again at every boot, survive restarts on disk, and expire on their own (a timer,
 * plus a check at boot) with an event. Listeners hear about every change so controls re-judge.
 */
export class ExceptionStore {
  private readonly exceptions = new Map<string, PolicyException>();
  private readonly unlockGrants = new Map<string, StoredUnlockGrant>();
  private revoked: RevokedEntry[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly disk: ExceptionDisk;
  private readonly log: Logger;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(private readonly options: ExceptionStoreOptions) {
    this.disk = new ExceptionDisk(options.dataDir);
    this.log = (options.log ?? silentLogger).child({ component: 'exceptions' });
    this.now = options.now ?? Date.now;
  }

  /** Loads what is on disk, refusing anything that fails verification and expiring what ran out. */
  static async open(options: ExceptionStoreOptions): Promise<ExceptionStore> {
    const store = new ExceptionStore(options);
    await store.load();
    return store;
  }

  /** Verifies and keeps a signed exception from the console. */
  add(input: unknown): Promise<AddExceptionResult> {
    return this.serialized(async () => {
      const checked = this.check(input);
      if (!checked.ok) return checked;
      const { exception, signed } = checked;
      const existing = this.exceptions.get(exception.id);
      if (existing) {
        if (canonicalJson(existing) === canonicalJson(exception)) return { ok: true, exception, changed: false };
        return { ok: false, reason: 'conflict', message: `exception ${exception.id} already exists with other content` };
      }
      await this.disk.write(this.disk.exceptionFile(exception.id), signed);
      this.exceptions.set(exception.id, exception);
      this.changed();
      return { ok: true, exception, changed: true };
    });
  }

  /** Withdraws an exception (revoked by the console); it cannot be added again before it would have expired. */
  revoke(id: string): Promise<boolean> {
    return this.serialized(async () => {
      const exception = this.exceptions.get(id);
      if (!exception) return false;
      this.revoked.push({ id, until: exception.expiresAt });
      await this.disk.writeRevoked(this.revoked);
      await this.disk.remove(this.disk.exceptionFile(id));
      this.exceptions.delete(id);
      this.changed();
      return true;
    });
  }

  /**
   * Redeems an unlock code typed by the employee for one of the `candidates` (the restricted
   * devices plugged in now). A genuine code works once, for its device, until it expires.
   */
  redeemUnlockCode(code: string, candidates: readonly DeviceIdentity[]): Promise<RedeemResult> {
    return this.serialized(async () => {
      const key = this.options.unlockKey?.() ?? null;
      if (!key) return { ok: false, reason: 'unavailable', message: 'unlock codes are not available on this computer yet' };
      if (candidates.length === 0) return { ok: false, reason: 'no-device', message: 'no restricted USB device is plugged in' };
      const used = new Set(this.unlockGrants.keys());
      const refusal: RedeemResult = { ok: false, reason: 'not-valid', message: 'this code is not valid for this device on this computer' };
      for (const device of candidates) {
        const verdict = verifyUnlockCode(key, this.options.agentId, device, code, this.now(), used);
        if (verdict.ok) {
          const grant: StoredUnlockGrant = {
            code: normalizeTypedCode(code),
            nonce: verdict.nonce,
            device,
            expiresAt: verdict.expiresAt.toISOString(),
            redeemedAt: new Date(this.now()).toISOString(),
          };
          await this.disk.write(this.disk.unlockFile(grant.nonce), grant);
          this.unlockGrants.set(grant.nonce, grant);
          this.log.info('unlock code redeemed', { vendorId: device.vendorId, productId: device.productId, expiresAt: grant.expiresAt });
          this.changed();
          return { ok: true, device, expiresAt: verdict.expiresAt };
        }
        // A typo is a typo whatever the device; expired or reused means the code was for this one.
        if (verdict.reason !== 'not-valid') return verdict;
      }
      return refusal;
    });
  }

  /** Exceptions in force now. */
  active(): PolicyException[] {
    const now = this.now();
    return [...this.exceptions.values()].filter((e) => Date.parse(e.expiresAt) > now);
  }

  /** The USB grants in force now, for UsbControl.applyExceptions. */
  usbGrants(): UsbGrant[] {
    const now = this.now();
    const grants: UsbGrant[] = [];
    for (const e of this.active()) {
      const t = e.target;
      if (t.kind === 'app') continue;
      grants.push({
        id: e.id,
        source: 'exception',
        target: t.kind === 'usb-device' ? { kind: 'device', device: t.device } : { kind: 'user', user: t.user },
        action: t.action,
        expiresAt: new Date(e.expiresAt),
      });
    }
    for (const g of this.unlockGrants.values()) {
      if (Date.parse(g.expiresAt) <= now) continue;
      grants.push({ id: `unlock:${g.nonce}`, source: 'unlock-code', target: { kind: 'device', device: g.device }, action: 'allow', expiresAt: new Date(g.expiresAt) });
    }
    return grants;
  }

  /** Calls `listener` after every change (added, revoked, redeemed, expired). Returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private check(input: unknown): { ok: true; exception: PolicyException; signed: SignedException } | { ok: false; reason: ExceptionRefusal; message: string } {
    const parsed = signedException.safeParse(input);
    if (!parsed.success) return { ok: false, reason: 'invalid', message: describeIssues(parsed.error) };
    const { exception, keyId, signature } = parsed.data;
    const pinned = this.options.consoleKey;
    if (keyId !== pinned.keyId || keyIdOf(pinned.publicKey) !== keyId) return { ok: false, reason: 'unknown_key', message: `signed by key ${keyId}, not the pinned console key` };
    if (!verifyCanonical(exception, signature, pinned.publicKey)) return { ok: false, reason: 'bad_signature', message: 'the signature does not match the exception' };
    if (exception.agentId !== this.options.agentId) return { ok: false, reason: 'other_agent', message: 'the exception is for another agent' };
    if (Date.parse(exception.expiresAt) <= this.now()) return { ok: false, reason: 'expired', message: `the exception expired at ${exception.expiresAt}` };
    if (this.revoked.some((r) => r.id === exception.id)) return { ok: false, reason: 'revoked', message: 'the exception was revoked' };
    return { ok: true, exception, signed: parsed.data };
  }

  private async load(): Promise<void> {
    await this.disk.init();
    const now = this.now();
    this.revoked = (await this.disk.readRevoked()).filter((r) => Date.parse(r.until) > now);
    const { exceptions, unlockGrants } = await this.disk.readAll();
    for (const { file, value } of exceptions) {
      const checked = value instanceof Error ? { ok: false as const, reason: 'invalid' as const, message: value.message } : this.check(value);
      if (checked.ok) this.exceptions.set(checked.exception.id, checked.exception);
      else await this.refuseAtBoot(file, value, checked.reason, checked.message);
    }
    for (const { file, value } of unlockGrants) await this.loadUnlockGrant(file, value);
    this.schedule();
  }

  private async refuseAtBoot(file: string, value: unknown, reason: ExceptionRefusal, message: string): Promise<void> {
    if (reason === 'expired') {
      // Ran out while we were not running: say so, as the timer would have.
      const parsed = signedException.safeParse(value);
      if (parsed.success) this.options.emit(exceptionExpiredEvent(parsed.data.exception));
      await this.disk.remove(file);
      return;
    }
    if (reason === 'revoked') {
      await this.disk.remove(file);
      return;
    }
    this.log.warn('refused a stored exception', { file, reason, message });
    this.options.emit(refusedFileEvent(file, `${reason}: ${message}`));
    await this.disk.quarantine(file);
  }

  private async loadUnlockGrant(file: string, value: unknown): Promise<void> {
    const parsed = storedUnlockGrant.safeParse(value);
    if (!parsed.success) {
      this.options.emit(refusedFileEvent(file, 'not a valid unlock grant'));
      await this.disk.quarantine(file);
      return;
    }
    const grant = parsed.data;
    if (Date.parse(grant.expiresAt) <= this.now()) {
      this.options.emit(unlockExpiredEvent(grant.device, grant.nonce));
      await this.disk.remove(file);
      return;
    }
    const key = this.options.unlockKey?.() ?? null;
    // Without the key we cannot tell a genuine grant from a forged file: keep it, do not honour it.
    if (!key) return;
    const verdict = verifyUnlockCode(key, this.options.agentId, grant.device, grant.code, this.now(), new Set());
    if (!verdict.ok || verdict.nonce !== grant.nonce || verdict.expiresAt.toISOString() !== grant.expiresAt) {
      this.options.emit(refusedFileEvent(file, 'the unlock grant does not match its code'));
      await this.disk.quarantine(file);
      return;
    }
    this.unlockGrants.set(grant.nonce, grant);
  }

  /** Arms one timer for the next expiry. */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed) return;
    const times = [...this.exceptions.values()].map((e) => Date.parse(e.expiresAt)).concat([...this.unlockGrants.values()].map((g) => Date.parse(g.expiresAt)));
    if (times.length === 0) return;
    const delay = Math.max(0, Math.min(...times) - this.now());
    this.timer = setTimeout(() => void this.serialized(() => this.expireDue()), Math.min(delay, MAX_TIMER_MS));
    this.timer.unref();
  }

  private async expireDue(): Promise<void> {
    const now = this.now();
    let any = false;
    for (const e of [...this.exceptions.values()]) {
      if (Date.parse(e.expiresAt) > now) continue;
      this.exceptions.delete(e.id);
      await this.disk.remove(this.disk.exceptionFile(e.id));
      this.options.emit(exceptionExpiredEvent(e));
      any = true;
    }
    for (const g of [...this.unlockGrants.values()]) {
      if (Date.parse(g.expiresAt) > now) continue;
      this.unlockGrants.delete(g.nonce);
      await this.disk.remove(this.disk.unlockFile(g.nonce));
      this.options.emit(unlockExpiredEvent(g.device, g.nonce));
      any = true;
    }
    this.revoked = this.revoked.filter((r) => Date.parse(r.until) > now);
    if (any) this.changed();
    else this.schedule();
  }

  private changed(): void {
    this.schedule();
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (err) {
        this.log.error('exception listener failed', { error: err });
      }
    }
  }

  /** One change at a time, so a timer firing during an add cannot interleave file writes. */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
