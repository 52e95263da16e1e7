import { readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { UsbBlockDevice, UsbDeviceInfo, UsbInterfaceInfo } from '../../../enforce/usb/usb-types';
import { USB_CLASS } from '../../../enforce/usb/usb-types';
import { interfacesFromDescriptors } from './usb-descriptors';

/**
 * USB devices as sysfs shows them under a configurable root (`hostRoots.sys`):
 * `bus/usb/devices/<name>` links to device directories (`1-2`, `usb1`) and interface directories
 * (`1-2:1.0`); `dev/block/MAJ:MIN` links to block devices, which sit below their USB device.
 */
export class SysfsUsb {
  constructor(
    private readonly sysRoot: string,
    private readonly devRoot = '/dev',
  ) {}

  private get devicesDir(): string {
    return path.join(this.sysRoot, 'bus/usb/devices');
  }

  /** False when this host has no USB sysfs at all (containers, some VMs). */
  async available(): Promise<boolean> {
    try {
      await readdir(this.devicesDir);
      return true;
    } catch {
      return false;
    }
  }

  async listDevices(): Promise<UsbDeviceInfo[]> {
    const names = await readdir(this.devicesDir).catch(() => [] as string[]);
    const interfaceNames = names.filter((n) => n.includes(':'));
    const devices = await Promise.all(names.filter((n) => !n.includes(':')).map((n) => this.readDevice(n, interfaceNames)));
    return devices.filter((d): d is UsbDeviceInfo => d !== null).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Reads one device; null when it vanished mid-read (unplugged) or is not a USB device. */
  private async readDevice(name: string, interfaceNames: string[]): Promise<UsbDeviceInfo | null> {
    const dir = path.join(this.devicesDir, name);
    const vendorId = await this.attr(dir, 'idVendor');
    const productId = await this.attr(dir, 'idProduct');
    if (!vendorId || !productId) return null;
    const deviceClass = parseInt((await this.attr(dir, 'bDeviceClass')) ?? '0', 16) || 0;
    const isRootHub = /^usb\d+$/.test(name);
    const authorizedDefault = await this.attr(dir, 'authorized_default');
    const live = await Promise.all(
      interfaceNames.filter((n) => n.startsWith(`${name}:`)).map((n) => this.readInterface(n)),
    );
    let interfaces = live.filter((i): i is UsbInterfaceInfo => i !== null);
    if (interfaces.length === 0) interfaces = await this.describedInterfaces(dir, name);
    return {
      id: name,
      port: isRootHub ? null : name,
      vendorId: vendorId.toLowerCase(),
      productId: productId.toLowerCase(),
      serial: await this.attr(dir, 'serial'),
      manufacturer: await this.attr(dir, 'manufacturer'),
      product: await this.attr(dir, 'product'),
      deviceClass,
      interfaces: interfaces.sort((a, b) => a.name.localeCompare(b.name)),
      authorized: (await this.attr(dir, 'authorized')) !== '0',
      isHub: isRootHub || deviceClass === USB_CLASS.hub,
      authorizedDefault: authorizedDefault === null ? null : authorizedDefault !== '0',
    };
  }

  private async readInterface(name: string): Promise<UsbInterfaceInfo | null> {
    const dir = path.join(this.devicesDir, name);
    const cls = await this.attr(dir, 'bInterfaceClass');
    if (cls === null) return null;
    const authorized = await this.attr(dir, 'authorized');
    return { name, interfaceClass: parseInt(cls, 16) || 0, authorized: authorized === null ? true : authorized !== '0' };
  }

  /** An unconfigured device has no interface directories: its descriptors still list them. */
  private async describedInterfaces(dir: string, name: string): Promise<UsbInterfaceInfo[]> {
    const raw = await readFile(path.join(dir, 'descriptors')).catch(() => null);
    if (!raw) return [];
    return interfacesFromDescriptors(raw).map((i) => ({
      name: `${name}:${i.configValue}.${i.interfaceNumber}`,
      interfaceClass: i.interfaceClass,
      authorized: null,
    }));
  }

  async setDeviceAuthorized(deviceId: string, authorized: boolean): Promise<void> {
    await writeFile(path.join(this.devicesDir, safeName(deviceId), 'authorized'), authorized ? '1' : '0');
  }

  async setInterfaceAuthorized(interfaceName: string, authorized: boolean): Promise<void> {
    await writeFile(path.join(this.devicesDir, safeName(interfaceName), 'authorized'), authorized ? '1' : '0');
  }

  async setHubAuthorizedDefault(hubId: string, authorized: boolean): Promise<void> {
    await writeFile(path.join(this.devicesDir, safeName(hubId), 'authorized_default'), authorized ? '1' : '0');
  }

  /**
   * Block devices whose sysfs path lies below a USB device's path. The deepest device wins, so a
   * stick behind an external hub belongs to the stick, not the hub.
   */
  async listUsbBlockDevices(): Promise<UsbBlockDevice[]> {
    const usbNames = (await readdir(this.devicesDir).catch(() => [] as string[])).filter((n) => !n.includes(':') && !/^usb\d+$/.test(n));
    const usbPaths = (await Promise.all(usbNames.map(async (name) => ({ name, real: await realpath(path.join(this.devicesDir, name)).catch(() => null) }))))
      .filter((d): d is { name: string; real: string } => d.real !== null)
      .sort((a, b) => b.real.length - a.real.length);
    if (usbPaths.length === 0) return [];
    const blockDir = path.join(this.sysRoot, 'dev/block');
    const entries = await readdir(blockDir).catch(() => [] as string[]);
    const out: UsbBlockDevice[] = [];
    await Promise.all(
      entries.map(async (majMin) => {
        const real = await realpath(path.join(blockDir, majMin)).catch(() => null);
        if (!real) return;
        const owner = await ownerOf(real, usbPaths, MAX_STACK_DEPTH);
        if (!owner) return;
        out.push({ majMin, devPath: await this.devNodeOf(real), usbDeviceId: owner });
      }),
    );
    return out.sort((a, b) => a.majMin.localeCompare(b.majMin));
  }

  private async devNodeOf(blockSysPath: string): Promise<string | null> {
    const uevent = await readFile(path.join(blockSysPath, 'uevent'), 'utf8').catch(() => '');
    const devName = /^DEVNAME=(.+)$/m.exec(uevent)?.[1];
    return devName ? path.join(this.devRoot, devName) : null;
  }

  /** A sysfs attribute without its trailing newline and padding; null when absent or unreadable. */
  private async attr(dir: string, name: string): Promise<string | null> {
    try {
      return (await readFile(path.join(dir, name), 'utf8')).trim();
    } catch {
      return null;
    }
  }
}

/** dm-crypt on LVM on a stick is three levels; more than this is not a real stack. */
const MAX_STACK_DEPTH = 4;

/**
 * The USB device a block device belongs to: the deepest USB device above it in sysfs, or, for a
 * stacked device (dm-crypt, LVM, md) that lives under /sys/devices/virtual, the owner of one of
 * its `slaves` — an encrypted stick must not slip past the guard.
 */
async function ownerOf(blockSysPath: string, usbPaths: { name: string; real: string }[], depth: number): Promise<string | null> {
  const direct = usbPaths.find((d) => blockSysPath.startsWith(`${d.real}/`));
  if (direct) return direct.name;
  if (depth <= 0) return null;
  const slavesDir = path.join(blockSysPath, 'slaves');
  const slaves = await readdir(slavesDir).catch(() => [] as string[]);
  for (const slave of slaves) {
    const real = await realpath(path.join(slavesDir, slave)).catch(() => null);
    const owner = real ? await ownerOf(real, usbPaths, depth - 1) : null;
    if (owner) return owner;
  }
  return null;
}

/** Device and interface names come from readdir, but never let one climb out of the devices dir. */
function safeName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9.:-]*$/.test(name)) throw new Error(`not a USB device or interface name: ${JSON.stringify(name)}`);
  return name;
}
