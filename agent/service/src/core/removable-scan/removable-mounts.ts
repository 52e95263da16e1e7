/**
 * Which mounts are removable media a user can write to now: mounts of block devices that sit on a
 * USB device (the USB platform's sysfs view, the same one the mount guard uses), not read-only.
 * A stick the USB policy blocks is made read-only or unmounted by the mount guard, so what is left
 * writable here is what the policy allows (or, in monitor mode, what it would block).
 */
import type { UsbPlatform } from '../../enforce/usb/usb-platform';

export interface RemovableMount {
  /** Mount point, unescaped. */
  target: string;
  /** `MAJ:MIN` of the file system's block device. */
  majMin: string;
  fsType: string;
}

/** Writable USB-backed mounts, one per mount point (the top one where mounts are stacked). */
export async function listRemovableMounts(usb: Pick<UsbPlatform, 'listUsbBlockDevices' | 'readMounts'>): Promise<RemovableMount[]> {
  const blocks = new Set((await usb.listUsbBlockDevices()).map((b) => b.majMin));
  if (blocks.size === 0) return [];
  const byTarget = new Map<string, RemovableMount | null>();
  // mountinfo lists mounts in the order they were made: a later mount on the same point hides the earlier.
  for (const mount of await usb.readMounts()) {
    const usable = blocks.has(mount.majMin) && !mount.readOnly;
    byTarget.set(mount.target, usable ? { target: mount.target, majMin: mount.majMin, fsType: mount.fsType } : null);
  }
  return [...byTarget.values()].filter((m): m is RemovableMount => m !== null);
}
