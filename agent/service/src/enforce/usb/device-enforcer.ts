import type { Logger } from '../logger';
import { decisionKey, planDeviceWrites, reportFor, type UsbWrite } from './usb-device-plan';
import { deviceEvent, type UsbEventSink } from './usb-events';
import type { UsbPlatform } from './usb-platform';
import { blockTarget, decideUsbDevice, type UsbDecision } from './usb-rules';
import type { UsbDeviceInfo, UsbGrant, UsbPolicy } from './usb-types';

/** Everything one pass needs to judge the devices. */
export interface DevicePassContext {
  policy: UsbPolicy | null;
  grants: readonly UsbGrant[];
  user: string | null;
  nowMs: number;
  /** The first pass after start: devices already present are not "inserted". */
  initial: boolean;
}

/** A device and how it was judged on the last pass. */
export interface JudgedDevice {
  device: UsbDeviceInfo;
  decision: UsbDecision;
  enforcing: boolean;
}

interface Tracked extends JudgedDevice {
  identity: string;
  /** Key of the last decision reported (or settled silently): the same decision is not re-reported. */
  reportedKey: string | null;
}

/**
 * Judges every USB device and, in enforce mode, writes `authorized` so the kernel binds only what is
 * allowed. It remembers what it cut off itself (and what arrived unbound because it had set the
 * hubs' default), so leaving enforce mode gives exactly those back and touches nothing else.
 */
export class DeviceEnforcer {
  private readonly tracked = new Map<string, Tracked>();
  /** Hubs whose `authorized_default` we set to 0. */
  private readonly hubsDefaultedByUs = new Set<string>();
  /** Devices and interfaces that are unbound because of us. */
  private readonly unboundByUs = new Set<string>();
  /** Devices the mount guard had to cut off to stop writes: kept cut off while present and not allowed. */
  private readonly heldCut = new Set<string>();

  constructor(
    private readonly platform: UsbPlatform,
    private readonly emit: UsbEventSink,
    private readonly log: Logger,
  ) {}

  /** The last judgment of a device by its kernel name, or null if it has not been seen. */
  judged(deviceId: string): JudgedDevice | null {
    return this.tracked.get(deviceId) ?? null;
  }

  /**
   * Cuts a device off (its storage interfaces only, for a composite) because writes to one of its
   * mounts could not be stopped any other way, and keeps it so until it leaves or is allowed.
   * True when it is cut off now.
   */
  async cutOff(deviceId: string): Promise<boolean> {
    const known = this.tracked.get(deviceId);
    if (!known) return false;
    const cut = asCut(known.decision);
    if (!(await this.applyWrites(known.device, planDeviceWrites(known.device, cut)))) return false;
    this.claimUnbound(known.device, cut);
    this.heldCut.add(deviceId);
    return true;
  }

  /** Every device judged on the last pass. */
  all(): JudgedDevice[] {
    return [...this.tracked.values()];
  }

  /**
   * One pass over the bus. Returns true when it bound a device, because the kernel then creates its
   * interfaces and the device must be judged again by what they are.
   */
  async reconcile(ctx: DevicePassContext): Promise<boolean> {
    const enforcing = ctx.policy !== null && ctx.policy.mode === 'enforce' && ctx.policy.usb.enabled;
    const devices = await this.platform.listDevices();
    await this.reconcileHubDefaults(devices, enforcing);
    const present = new Set<string>();
    let bound = false;
    for (const device of devices) {
      present.add(device.id);
      bound = (await this.reconcileDevice(device, ctx, enforcing)) || bound;
    }
    for (const id of this.tracked.keys()) if (!present.has(id)) this.forget(id);
    return bound;
  }

  private async reconcileDevice(device: UsbDeviceInfo, ctx: DevicePassContext, enforcing: boolean): Promise<boolean> {
    const identity = `${device.vendorId}:${device.productId}:${device.serial ?? ''}`;
    let known = this.tracked.get(device.id);
    if (known && known.identity !== identity) {
      // Another device in the same port since the last pass: a new arrival.
      this.forget(device.id);
      known = undefined;
    }
    const decision = decideUsbDevice(device, ctx.policy?.usb ?? null, ctx.grants, ctx.user, ctx.nowMs);
    const policySerial = ctx.policy?.serial ?? null;
    if (!known) {
      if (!device.authorized && this.hubsDefaultedByUs.size > 0) this.unboundByUs.add(deviceKey(device.id));
      if (!ctx.initial && !device.isHub) this.emit(deviceEvent(device, { action: 'info', outcome: 'inserted', policySerial }));
    }
    if (!enforcing || decision.action === 'allow') this.heldCut.delete(device.id);
    const planned = this.heldCut.has(device.id) ? asCut(decision) : decision;
    const writes = enforcing ? planDeviceWrites(device, planned) : this.restoreWrites(device);
    const applied = await this.applyWrites(device, writes);
    if (applied && enforcing && planned.action === 'block') this.claimUnbound(device, planned);
    const key = decisionKey(device, decision, enforcing);
    let reportedKey = known?.reportedKey ?? null;
    if (applied && key !== reportedKey) {
      const report = device.isHub ? null : reportFor(device, decision, enforcing);
      if (report) {
        this.emit(
          deviceEvent(device, {
            action: report.action,
            outcome: report.outcome,
            ruleId: decision.ruleId,
            policySerial,
            exceptionId: decision.grant?.id,
          }),
        );
      }
      reportedKey = key;
    }
    this.tracked.set(device.id, { device, decision, enforcing, identity, reportedKey });
    return applied && writes.some((w) => w.kind === 'device' && w.authorized);
  }

  /** What a block keeps unbound is ours to give back later, even if it was already unbound. */
  private claimUnbound(device: UsbDeviceInfo, decision: UsbDecision): void {
    const target = blockTarget(device, decision);
    if (target.kind === 'device') this.unboundByUs.add(deviceKey(device.id));
    else for (const name of target.names) this.unboundByUs.add(interfaceKey(name));
  }

  /** Outside enforce mode, give back only what we took. */
  private restoreWrites(device: UsbDeviceInfo): UsbWrite[] {
    const writes: UsbWrite[] = [];
    if (!device.authorized && this.unboundByUs.has(deviceKey(device.id))) writes.push({ kind: 'device', id: device.id, authorized: true });
    for (const iface of device.interfaces) {
      if (iface.authorized === false && this.unboundByUs.has(interfaceKey(iface.name))) {
        writes.push({ kind: 'interface', name: iface.name, authorized: true });
      }
    }
    return writes;
  }

  /** Applies writes in order; false (and a log line) if one failed, so the next pass retries. */
  private async applyWrites(device: UsbDeviceInfo, writes: UsbWrite[]): Promise<boolean> {
    for (const write of writes) {
      try {
        if (write.kind === 'device') await this.platform.setDeviceAuthorized(write.id, write.authorized);
        else await this.platform.setInterfaceAuthorized(write.name, write.authorized);
      } catch (err) {
        this.log.warn('usb: could not change authorization', { device: device.id, write, error: err });
        return false;
      }
      const key = write.kind === 'device' ? deviceKey(write.id) : interfaceKey(write.name);
      if (write.authorized) this.unboundByUs.delete(key);
      else this.unboundByUs.add(key);
    }
    return true;
  }

  /**
   * In enforce mode new devices must wait unbound until judged, so every hub that can defaults to
   * unauthorized; otherwise the hubs we changed get their default back.
   */
  private async reconcileHubDefaults(devices: UsbDeviceInfo[], enforcing: boolean): Promise<void> {
    for (const hub of devices) {
      if (!hub.isHub || hub.authorizedDefault === null) continue;
      try {
        if (enforcing) {
          if (hub.authorizedDefault) await this.platform.setHubAuthorizedDefault(hub.id, false);
          // Already off (say, from before a restart) counts as ours too: leaving enforce restores it.
          this.hubsDefaultedByUs.add(hub.id);
        } else if (this.hubsDefaultedByUs.has(hub.id)) {
          if (!hub.authorizedDefault) await this.platform.setHubAuthorizedDefault(hub.id, true);
          this.hubsDefaultedByUs.delete(hub.id);
        }
      } catch (err) {
        this.log.warn('usb: could not set the hub default', { hub: hub.id, error: err });
      }
    }
  }

  private forget(deviceId: string): void {
    this.tracked.delete(deviceId);
    this.heldCut.delete(deviceId);
    // A device that left takes its unbound state with it; the next one in that port starts fresh.
    for (const key of [...this.unboundByUs]) {
      if (key === deviceKey(deviceId) || key.startsWith(`if:${deviceId}:`)) this.unboundByUs.delete(key);
    }
  }
}

/** A decision turned into a block of the storage interfaces (the whole device if that is all it has). */
function asCut(decision: UsbDecision): UsbDecision {
  return { ...decision, action: 'block', matchedClass: null };
}

function deviceKey(id: string): string {
  return `dev:${id}`;
}

function interfaceKey(name: string): string {
  return `if:${name}`;
}
