import { STORAGE_INTERFACE_CLASSES, type DeviceIdentity, type PolicyDocument, type PolicyMode } from '@dlp/shared';

/** The `usb` section of a policy document. */
export type UsbSection = PolicyDocument['usb'];

/** What the USB control needs from a policy: the signed serial, the mode and the `usb` section. */
export interface UsbPolicy {
  serial: number;
  mode: PolicyMode;
  usb: UsbSection;
}

/** USB interface classes the control cares about by name. */
export const USB_CLASS = {
  /** Used by a device descriptor to say "look at the interfaces". */
  perInterface: 0x00,
  stillImage: 0x06,
  massStorage: 0x08,
  hub: 0x09,
} as const;

/**
 * Classes that carry files off the machine: mass storage, and still-image (MTP/PTP phones and
 * cameras). A policy's `defaultAction` applies to devices with one of these interfaces.
 */
export const STORAGE_CLASSES: ReadonlySet<number> = STORAGE_INTERFACE_CLASSES;

/** One interface of a USB device, e.g. `1-2:1.0`. */
export interface UsbInterfaceInfo {
  /** Kernel name (`<port>:<config>.<interface>`), the handle for authorizing it alone. */
  name: string;
  interfaceClass: number;
  /**
   * null when the interface is known only from the device's descriptors (the device is not
   * configured yet, e.g. it arrived while hubs default to unauthorized).
   */
  authorized: boolean | null;
}

/** One USB device as seen on the bus (hubs included, so hub defaults can be set). */
export interface UsbDeviceInfo {
  /** Kernel name: the bus port path (`1-2`, `1-1.4`) or `usbN` for a root hub. */
  id: string;
  /** Bus port path as policies match it; null for root hubs. */
  port: string | null;
  vendorId: string;
  productId: string;
  serial: string | null;
  manufacturer: string | null;
  product: string | null;
  deviceClass: number;
  /** Every interface of the active (or, when unconfigured, first) configuration. */
  interfaces: UsbInterfaceInfo[];
  authorized: boolean;
  isHub: boolean;
  /** Hubs only: whether new devices below it are authorized on arrival (null when not settable). */
  authorizedDefault: boolean | null;
}

/** A block device that sits under a USB device (a stick, a card reader slot, a partition). */
export interface UsbBlockDevice {
  /** `MAJ:MIN`, as in /proc/self/mountinfo. */
  majMin: string;
  /** Device node, e.g. `/dev/sdb1`; null when the kernel did not say. */
  devPath: string | null;
  /** The USB device (kernel name) it belongs to. */
  usbDeviceId: string;
}

/** One line of /proc/self/mountinfo, as far as the mount guard needs it. */
export interface MountEntry {
  mountId: number;
  majMin: string;
  /** Mount point, unescaped. */
  target: string;
  fsType: string;
  /** The mount source, e.g. `/dev/sdb1`. */
  source: string;
  readOnly: boolean;
}

/** A process that holds a file on a mount open for writing, or maps one shared. */
export interface MountWriter {
  pid: number;
  /** Opaque start-time token: a pid with another start time is another process. */
  startTime: string;
  /** Real uid. */
  uid: number;
  /** The process name (comm): never a path or anything the file contains. */
  name: string;
  /** How it holds the mount: a file descriptor open for writing, or a shared mapping. */
  via: 'fd' | 'mmap';
}

/** A local, time-boxed permission that relaxes the policy: from a signed exception or an unlock code. */
export interface UsbGrant {
  /** Exception id, or `unlock:<nonce>` for an unlock code. */
  id: string;
  source: 'exception' | 'unlock-code';
  target: { kind: 'device'; device: DeviceIdentity } | { kind: 'user'; user: string };
  action: 'allow' | 'read-only';
  expiresAt: Date;
}
