import type { EventAction, UsbOutcome } from '@dlp/shared';
import type { Logger } from '../logger';
import type { JudgedDevice } from './device-enforcer';
import { deviceEvent, type UsbEventSink } from './usb-events';
import type { UsbPlatform } from './usb-platform';
import type { MountEntry, UsbBlockDevice } from './usb-types';
import { WriteLockdown, type DeviceCutter, type LockdownLimits, type LockdownResult } from './write-lockdown';

/** Looks up how a USB device (by kernel name) was judged; null for a device not judged yet. */
export type JudgmentLookup = (usbDeviceId: string) => JudgedDevice | null;

interface HandledMount {
  /** What we did or reported for this mount, so a rescan does not repeat it. */
  key: string;
  /** We remounted it read-only: an allow later gives write access back. */
  remountedReadOnly: boolean;
  /** Its file system was shut down or its device cut off: nothing to redo until it is gone. */
  writesCut: boolean;
}

/**
 * Follows the mount table: a mount backed by a USB block device that is not allowed is made
 * unwritable through every open file (write-lockdown.ts: remount read-only, killing writers if
 * they keep it busy, else file system shutdown or device cut-off) and then unmounted (block) or
 * left mounted read-only (read-only rule). It is never detached while open files can still write
 * to it. Block devices of read-only devices are set read-only before anyone mounts them. In monitor
 * mode it only reports what it would do.
 */
export class MountGuard {
  private readonly handled = new Map<string, HandledMount>();
  /**
   * USB block devices seen on earlier passes, kept while something is still mounted from them: a
   * cut-off stick's block device vanishes from sysfs, but its dead mount must still be cleared.
   */
  private readonly knownBlocks = new Map<string, UsbBlockDevice>();
  /** Block devices we set read-only, by device node. */
  private readonly readOnlyByUs = new Set<string>();

  private readonly lockdown: WriteLockdown;

  constructor(
    private readonly platform: UsbPlatform,
    private readonly emit: UsbEventSink,
    private readonly log: Logger,
    cutDevice: DeviceCutter,
    limits?: LockdownLimits,
  ) {
    this.lockdown = new WriteLockdown(platform, cutDevice, log, limits);
  }

  /**
   * One pass. Returns the ids of USB devices that own block devices but have not been judged yet
   * (they arrived after the last device pass): the caller judges them and runs the guard again.
   */
  async reconcile(lookup: JudgmentLookup, policySerial: number | null): Promise<string[]> {
    const blockDevices = await this.platform.listUsbBlockDevices();
    const unjudged = [...new Set(blockDevices.filter((b) => !lookup(b.usbDeviceId)).map((b) => b.usbDeviceId))];
    await this.reconcileBlockDevices(blockDevices, lookup);
    for (const block of blockDevices) this.knownBlocks.set(block.majMin, block);
    const mounts = await this.platform.readMounts();
    const seen = new Set<string>();
    // Deepest first: a mount on top of a USB mount must go before the one below it.
    for (const mount of [...mounts].sort((a, b) => b.target.length - a.target.length)) {
      const block = this.knownBlocks.get(mount.majMin);
      const judged = block ? lookup(block.usbDeviceId) : null;
      if (!block || !judged) continue;
      const id = mountKey(mount);
      seen.add(id);
      await this.guardMount(mount, block, judged, policySerial, id);
    }
    for (const id of this.handled.keys()) if (!seen.has(id)) this.handled.delete(id);
    const listed = new Set(blockDevices.map((b) => b.majMin));
    const mounted = new Set(mounts.map((m) => m.majMin));
    for (const majMin of this.knownBlocks.keys()) if (!listed.has(majMin) && !mounted.has(majMin)) this.knownBlocks.delete(majMin);
    return unjudged;
  }

  private async guardMount(mount: MountEntry, block: UsbBlockDevice, judged: JudgedDevice, policySerial: number | null, id: string): Promise<void> {
    const { decision, enforcing, device } = judged;
    const previous = this.handled.get(id);
    const remountedByUs = previous?.remountedReadOnly ?? false;
    const report = (action: EventAction, outcome: UsbOutcome, lock?: LockdownResult) =>
      this.emit(
        deviceEvent(device, {
          action,
          outcome,
          ruleId: decision.ruleId,
          policySerial,
          mountPoint: mount.target,
          writeProtection: lock?.ok ? lock.method : undefined,
          stoppedWriters: lock?.stopped,
        }),
      );

    if (decision.action === 'allow' || !enforcing) {
      // Give back what we took; in monitor mode, say what enforce mode would do.
      if (remountedByUs) await this.giveWriteAccessBack(mount, block);
      const key = decision.action === 'allow' ? 'allow' : `monitor|${decision.action}`;
      const wouldChange = decision.action === 'block' || (decision.action === 'read-only' && !mount.readOnly);
      if (key !== 'allow' && previous?.key !== key && wouldChange) report('would-block', decision.action === 'block' ? 'unmounted' : 'read-only');
      this.handled.set(id, { key, remountedReadOnly: false, writesCut: false });
      return;
    }
    const key = `enforce|${decision.action}`;
    // Shut down or cut off on an earlier pass: it stays that way, and the mount table cannot show it.
    if (previous?.key === key && previous.writesCut) return;
    if (decision.action === 'read-only' && mount.readOnly) {
      this.handled.set(id, { key, remountedReadOnly: remountedByUs, writesCut: false });
      return;
    }
    // A block makes the file system read-only first as well (one remount when nothing is open):
    // unmounting only detaches it here, while a copy of the mount in another mount namespace
    // (`unshare -Urm`) or a file opened before would still write to it.
    const lock = await this.makeUnwritable(mount, block);
    if (!lock.ok) {
      this.log.error('usb: could not make a mount unwritable', { target: mount.target, error: lock.error });
      // Never detach lazily here: that would hide a mount that open files can still write to.
      if (previous?.key !== `${key}|failed`) report('info', 'enforcement-failed', lock);
      this.handled.set(id, { key: `${key}|failed`, remountedReadOnly: false, writesCut: false });
      return;
    }
    const writesCut = lock.method === 'filesystem-shutdown' || lock.method === 'device-cut';
    this.handled.set(id, { key, remountedReadOnly: !writesCut, writesCut });
    if (decision.action === 'read-only') {
      report('blocked', 'read-only', lock);
      return;
    }
    // Nothing can write through it any more, so detaching it while files are open is safe now.
    if ((await this.unmount(mount, false)) || (await this.unmount(mount, true))) report('blocked', 'unmounted', lock);
  }

  /** Block device first (so a new mount of it is read-only too), then the file system itself. */
  private async makeUnwritable(mount: MountEntry, block: UsbBlockDevice): Promise<LockdownResult> {
    const devPath = block.devPath ?? (mount.source.startsWith('/dev/') ? mount.source : null);
    if (devPath && !this.readOnlyByUs.has(devPath)) {
      try {
        // Not a barrier for a file system already mounted read-write: the kernel (6.x) only logs
        // "Trying to write to read-only block-device" and lets its writes through.
        await this.platform.setBlockDeviceReadOnly(devPath, true);
        this.readOnlyByUs.add(devPath);
      } catch (err) {
        this.log.warn('usb: could not set the block device read-only', { devPath, error: err });
      }
    }
    return this.lockdown.lock(mount, block);
  }

  private async unmount(mount: MountEntry, lazy: boolean): Promise<boolean> {
    try {
      await this.platform.unmount(mount.target, { lazy });
      return true;
    } catch (err) {
      // Busy (a shell cd'ed into it, a file open for reading): the caller decides whether lazy is safe.
      this.log.info('usb: unmount failed', { target: mount.target, lazy, error: err });
      return false;
    }
  }

  private async giveWriteAccessBack(mount: MountEntry, block: UsbBlockDevice): Promise<void> {
    const devPath = block.devPath ?? mount.source;
    try {
      if (this.readOnlyByUs.has(devPath)) {
        await this.platform.setBlockDeviceReadOnly(devPath, false);
        this.readOnlyByUs.delete(devPath);
      }
      if (mount.readOnly) await this.platform.remount(mount.target, false);
    } catch (err) {
      this.log.warn('usb: could not give write access back', { target: mount.target, error: err });
    }
  }

  /**
   * Read-only devices get their block devices set read-only before anyone mounts them; block
   * devices we set read-only whose device is now allowed get write access back.
   */
  private async reconcileBlockDevices(blockDevices: UsbBlockDevice[], lookup: JudgmentLookup): Promise<void> {
    for (const block of blockDevices) {
      const judged = lookup(block.usbDeviceId);
      if (!judged || !block.devPath) continue;
      const wantReadOnly = judged.enforcing && judged.decision.action === 'read-only';
      const ours = this.readOnlyByUs.has(block.devPath);
      if (wantReadOnly === ours) continue;
      try {
        await this.platform.setBlockDeviceReadOnly(block.devPath, wantReadOnly);
        if (wantReadOnly) this.readOnlyByUs.add(block.devPath);
        else this.readOnlyByUs.delete(block.devPath);
      } catch (err) {
        this.log.warn('usb: could not change a block device read-only flag', { devPath: block.devPath, error: err });
      }
    }
    const present = new Set(blockDevices.map((b) => b.devPath));
    for (const devPath of this.readOnlyByUs) if (!present.has(devPath)) this.readOnlyByUs.delete(devPath);
  }
}

function mountKey(mount: MountEntry): string {
  return `${mount.mountId}:${mount.target}`;
}
