import type { MountEntry, UsbBlockDevice, UsbDeviceInfo } from './usb-types';

/** A running watch; `stop` releases its resources (child process, listeners). */
export interface WatchHandle {
  /** True when changes are really pushed (hotplug events, mount table notifications). */
  readonly live: boolean;
  stop(): Promise<void>;
}

/**
 * Every OS call the USB control makes. The Linux implementation works on sysfs, mountinfo and the
 * mount tools under configurable roots; tests run it against a fake sysfs tree and real loop mounts.
 */
export interface UsbPlatform {
  /** Every USB device on every bus, hubs included. */
  listDevices(): Promise<UsbDeviceInfo[]>;
  /** Binds (true) or cuts off (false) a whole device. */
  setDeviceAuthorized(deviceId: string, authorized: boolean): Promise<void>;
  /** Binds or cuts off one interface (`1-2:1.0`) of a configured device. */
  setInterfaceAuthorized(interfaceName: string, authorized: boolean): Promise<void>;
  /** Whether devices arriving below this hub are bound at once (true) or wait for us (false). */
  setHubAuthorizedDefault(hubId: string, authorized: boolean): Promise<void>;
  /** Block devices that belong to a USB device. */
  listUsbBlockDevices(): Promise<UsbBlockDevice[]>;
  /** The mount table of the agent's mount namespace. */
  readMounts(): Promise<MountEntry[]>;
  /** Detaches a mount; `lazy` detaches it even while files are open (umount -l). */
  unmount(target: string, options: { lazy: boolean }): Promise<void>;
  /** Remounts read-only (true) or read-write (false). */
  remount(target: string, readOnly: boolean): Promise<void>;
  /** Sets a block device read-only in the kernel (blockdev --setro / --setrw). */
  setBlockDeviceReadOnly(devPath: string, readOnly: boolean): Promise<void>;
  /** Calls `onChange` when USB devices come or go. */
  watchDevices(onChange: () => void): Promise<WatchHandle>;
  /** Calls `onChange` when the mount table changes. */
  watchMounts(onChange: () => void): Promise<WatchHandle>;
  /** False when there is no USB sysfs to work on (e.g. a container): the control reports `none`. */
  usbAvailable(): Promise<boolean>;
}
