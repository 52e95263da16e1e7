import type { CapabilityReport, DeviceIdentity } from '@dlp/shared';
import { silentLogger, type Logger } from '../logger';
import { DeviceEnforcer, type JudgedDevice } from './device-enforcer';
import { MountGuard } from './mount-guard';
import type { UsbEventSink } from './usb-events';
import type { UsbPlatform, WatchHandle } from './usb-platform';
import type { UsbGrant, UsbPolicy } from './usb-types';
import type { LockdownLimits } from './write-lockdown';
import { ControlTimers } from '../control-timers';

export interface UsbControlOptions {
  platform: UsbPlatform;
  /** Where events go (the service writes them to the outbox). */
  emit: UsbEventSink;
  /** The user logged in at the workstation, for per-user exceptions. */
  currentUser?: () => Promise<string | null>;
  log?: Logger;
  now?: () => number;
  /** Safety-net device rescan when hotplug works / when it does not. */
  deviceRescanMs?: { live: number; polling: number };
  /** Safety-net mount table rescan when mount notifications work / when they do not. */
  mountRescanMs?: { live: number; polling: number };
  /** Extra device passes after a hotplug event: interfaces and block devices appear after it. */
  settleDelaysMs?: number[];
  /** Bounds on stopping writers before the mount guard cuts writes off another way. */
  lockdownLimits?: LockdownLimits;
}

/** Most passes one drain runs before it waits for the next trigger. */
const MAX_PASSES_PER_DRAIN = 8;

/**
 * USB device control: judges every device at start, on every hotplug notification and
 * periodically; in enforce mode cuts off what is blocked (`authorized=0`, only the storage
 * interfaces of a composite device) and keeps new devices unbound until judged; guards the mount
 * table. Policy and exception changes re-judge every present device. In monitor mode it writes
 * nothing and reports what it would block.
 */
export class UsbControl {
  private policy: UsbPolicy | null = null;
  private grants: UsbGrant[] = [];
  private readonly devices: DeviceEnforcer;
  private readonly mounts: MountGuard;
  private readonly log: Logger;
  private readonly now: () => number;
  private running = false;
  private available = false;
  private initialPassDone = false;
  private watches: WatchHandle[] = [];
  private devicesLive = false;
  private mountsLive = false;
  private readonly timers = new ControlTimers(() => this.running);
  private pending = { devices: false, mounts: false };
  private draining: Promise<void> | null = null;

  constructor(private readonly options: UsbControlOptions) {
    this.log = (options.log ?? silentLogger).child({ component: 'usb' });
    this.now = options.now ?? Date.now;
    this.devices = new DeviceEnforcer(options.platform, options.emit, this.log);
    this.mounts = new MountGuard(options.platform, options.emit, this.log, (id) => this.devices.cutOff(id), options.lockdownLimits);
  }

  /** Starts watching; resolves once the devices and mounts present now have been judged. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.available = await this.options.platform.usbAvailable();
    if (!this.available) {
      this.log.warn('usb: no USB sysfs on this host; USB control is not available');
      return;
    }
    const deviceWatch = await this.options.platform.watchDevices(() => this.onHotplug());
    const mountWatch = await this.options.platform.watchMounts(() => this.request('mounts'));
    this.watches = [deviceWatch, mountWatch];
    this.devicesLive = deviceWatch.live;
    this.mountsLive = mountWatch.live;
    await this.request('devices');
    this.scheduleRescans();
    // Grants applied before start could not arm their expiry timer (timers only run while running).
    this.scheduleGrantExpiry();
  }

  /** Stops watching and waits for a pass in progress. Kernel state is left as it is (fail closed). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.timers.clear();
    await Promise.all(this.watches.map((w) => w.stop().catch(() => undefined)));
    this.watches = [];
    await this.draining;
  }

  /** Swaps in a policy (null: none yet, nothing enforced) and re-judges every device present. */
  async applyPolicy(policy: UsbPolicy | null): Promise<void> {
    this.policy = policy;
    await this.request('devices');
  }

  /** Replaces the active grants (signed exceptions and unlock codes) and re-judges every device. */
  async applyExceptions(grants: readonly UsbGrant[]): Promise<void> {
    this.grants = [...grants];
    this.scheduleGrantExpiry();
    await this.request('devices');
  }

  /** Forces a full pass now (e.g. after a tray request); resolves when done. */
  rescan(): Promise<void> {
    return this.request('devices');
  }

  capabilities(): CapabilityReport['usb'] {
    return this.available ? { method: 'sysfs-authorized', mountGuard: true } : { method: 'none', mountGuard: false };
  }

  /** Devices present with their judgment, e.g. for the tray or to match an unlock code. */
  presentDevices(): JudgedDevice[] {
    return this.devices.all();
  }

  /** Identities of present devices the policy does not fully allow: candidates for an unlock code. */
  restrictedDevices(): DeviceIdentity[] {
    return this.devices
      .all()
      .filter((j) => !j.device.isHub && j.decision.policyAction !== 'allow' && j.device.serial)
      .map((j) => ({ vendorId: j.device.vendorId, productId: j.device.productId, serial: j.device.serial ?? '' }));
  }

  private onHotplug(): void {
    void this.request('devices');
    for (const delay of this.options.settleDelaysMs ?? [500, 2000]) this.timers.after(delay, () => void this.request('devices'));
  }

  /** Asks for a pass; passes run one at a time and requests made meanwhile are merged. */
  private request(kind: 'devices' | 'mounts'): Promise<void> {
    this.pending[kind] = true;
    this.draining ??= this.drain();
    return this.draining;
  }

  private async drain(): Promise<void> {
    // Let request() store this promise before the loop can possibly finish.
    await Promise.resolve();
    try {
      // Passes can ask for more passes (a bound device shows its interfaces, a mount names a device
      // not judged yet); the cap keeps a misbehaving device from spinning us. The rest waits for
      // the next trigger or rescan.
      let passes = 0;
      while (this.running && this.available && (this.pending.devices || this.pending.mounts) && passes++ < MAX_PASSES_PER_DRAIN) {
        if (this.pending.devices) {
          this.pending.devices = false;
          // Judging devices changes what mounts may do.
          this.pending.mounts = true;
          if (await this.devicePass()) this.pending.devices = true;
          continue;
        }
        this.pending.mounts = false;
        await this.mountPass();
      }
    } finally {
      // Cleared in the same tick as the last check of `pending`: a request arriving after it
      // starts a new drain instead of joining one that has already decided to stop.
      this.draining = null;
    }
  }

  private async devicePass(): Promise<boolean> {
    try {
      const user = this.options.currentUser ? await this.options.currentUser().catch(() => null) : null;
      const bound = await this.devices.reconcile({ policy: this.policy, grants: this.grants, user, nowMs: this.now(), initial: !this.initialPassDone });
      this.initialPassDone = true;
      return bound;
    } catch (err) {
      this.log.error('usb: device pass failed', { error: err });
      return false;
    }
  }

  private async mountPass(): Promise<void> {
    try {
      const unjudged = await this.mounts.reconcile((id) => this.devices.judged(id), this.policy?.serial ?? null);
      // A stick that was mounted faster than we saw it arrive: judge it, then guard again.
      if (unjudged.length > 0) this.pending.devices = true;
    } catch (err) {
      this.log.error('usb: mount pass failed', { error: err });
    }
  }

  private scheduleRescans(): void {
    const deviceMs = this.options.deviceRescanMs ?? { live: 30_000, polling: 3_000 };
    const mountMs = this.options.mountRescanMs ?? { live: 15_000, polling: 1_000 };
    this.timers.every(this.devicesLive ? deviceMs.live : deviceMs.polling, () => this.request('devices'));
    this.timers.every(this.mountsLive ? mountMs.live : mountMs.polling, () => this.request('mounts'));
  }

  /** Re-judge when the next grant runs out, even if nobody tells us. */
  private scheduleGrantExpiry(): void {
    const now = this.now();
    const next = Math.min(...this.grants.map((g) => g.expiresAt.getTime()).filter((t) => t > now));
    if (Number.isFinite(next)) this.timers.after(Math.min(next - now + 10, 2 ** 31 - 1), () => void this.request('devices'));
  }
}
