import type { MountEntry, MountWriter, UsbBlockDevice, UsbDeviceInfo } from './usb-types';

/** What signalling a process did: `gone` also covers a pid now used by another process. */
export type SignalResult = 'signalled' | 'gone' | 'denied';

/** Which shared mappings make a process a writer: reading every maps file is the costly part of a scan. */
export type WriterMappings = 'none' | 'writable' | 'all';

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
  /**
   * Processes that can write to the file system on block device `majMin`: files open for writing,
   * and by `mappings` none, writable or all shared mappings of its files (mprotect can make a
   * read-only shared mapping of a file that was opened for writing writable again). Never the agent.
   */
  findWriters(majMin: string, options: { mappings: WriterMappings }): Promise<MountWriter[]>;
  /** Sends a signal to a process if it is still the one seen (same start time). */
  signalProcess(pid: number, startTime: string, signal: 'SIGSTOP' | 'SIGKILL'): Promise<SignalResult>;
  /** False once the process exited (a zombie has already closed its files) or the pid was reused. */
  processAlive(pid: number, startTime: string): Promise<boolean>;
  /**
   * Shuts the file system mounted at `target` (which must be device `majMin`) down (FS_IOC_SHUTDOWN):
   * every later write through any open file fails with EIO. Rejects where the file system has no
   * such operation (vfat) or `target` is not that device.
   */
  shutdownFilesystem(target: string, majMin: string): Promise<void>;
  /** Calls `onChange` when USB devices come or go. */
  watchDevices(onChange: () => void): Promise<WatchHandle>;
  /** Calls `onChange` when the mount table changes. */
  watchMounts(onChange: () => void): Promise<WatchHandle>;
  /** False when there is no USB sysfs to work on (e.g. a container): the control reports `none`. */
  usbAvailable(): Promise<boolean>;
}
