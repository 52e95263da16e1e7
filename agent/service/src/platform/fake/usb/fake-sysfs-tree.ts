import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildDescriptors } from '../../linux/usb/usb-descriptors';

export interface FakeUsbDeviceSpec {
  /** Bus port path: `1-2` sits on root hub usb1; `1-1.3` sits on the hub at `1-1`. */
  port: string;
  vendorId: string;
  productId: string;
  serial?: string;
  manufacturer?: string;
  product?: string;
  /** bDeviceClass; 0 = "see interfaces". */
  deviceClass?: number;
  /** bInterfaceClass of each interface, in order (8 = mass storage, 3 = HID, 9 = hub). */
  interfaces: number[];
  /** Default true. */
  authorized?: boolean;
  /**
   * Default true. An unconfigured device (arrived while hubs default to unauthorized) has no
   * interface directories yet; only its `descriptors` file tells what it is.
   */
  configured?: boolean;
}

export interface FakeBlockDeviceSpec {
  /** `MAJ:MIN`, e.g. a real loop device's so that real mounts of it count as USB-backed. */
  majMin: string;
  /** Kernel name (`sdb`, `loop3`): the device node is `/dev/<devName>`. */
  devName: string;
  /** Which interface it hangs off (index into the spec's interfaces); default 0. */
  interfaceIndex?: number;
}

/**
 * Builds a sysfs-shaped tree in a temp dir — real files and symlinks laid out like the kernel's —
 * so the real Linux USB code runs against it. It does not emulate the kernel: writing `authorized`
 * just changes a file, which is what tests read back.
 */
export class FakeSysfsTree {
  private readonly controllerDir: string;

  private constructor(readonly root: string, private readonly ownsRoot: boolean) {
    this.controllerDir = path.join(root, 'devices/pci0000:00/0000:00:14.0');
    mkdirSync(path.join(root, 'bus/usb/devices'), { recursive: true });
    mkdirSync(path.join(root, 'dev/block'), { recursive: true });
    mkdirSync(this.controllerDir, { recursive: true });
  }

  /** A tree in a fresh temp dir (removed by `cleanup`), or in `root` if given. */
  static create(root?: string): FakeSysfsTree {
    return root ? new FakeSysfsTree(root, false) : new FakeSysfsTree(mkdtempSync(path.join(tmpdir(), 'dlp-fake-sys-')), true);
  }

  /** Adds root hub `usb<bus>` with `authorized_default`. */
  addRootHub(bus: number, options: { authorizedDefault?: boolean } = {}): string {
    const id = `usb${bus}`;
    const dir = path.join(this.controllerDir, id);
    this.writeDeviceFiles(dir, { port: id, vendorId: '1d6b', productId: '0002', manufacturer: 'Linux Foundation', product: 'xHCI Host Controller', deviceClass: 9, interfaces: [9] });
    writeFileSync(path.join(dir, 'authorized_default'), options.authorizedDefault === false ? '0\n' : '1\n');
    writeFileSync(path.join(dir, 'interface_authorized_default'), '1\n');
    this.addInterfaces(dir, id, [9], true);
    this.link(id, dir);
    return id;
  }

  /** Adds a device below its parent hub (which must exist). */
  addDevice(spec: FakeUsbDeviceSpec): string {
    const dir = path.join(this.deviceDir(this.parentOf(spec.port)), spec.port);
    this.writeDeviceFiles(dir, spec);
    if (spec.configured !== false) this.addInterfaces(dir, spec.port, spec.interfaces, spec.authorized !== false);
    this.link(spec.port, dir);
    return spec.port;
  }

  /** Puts a block device below a device's interface and links `dev/block/MAJ:MIN` to it. */
  addBlockDevice(deviceId: string, spec: FakeBlockDeviceSpec): void {
    const iface = path.join(this.deviceDir(deviceId), `${deviceId}:1.${spec.interfaceIndex ?? 0}`);
    const blockDir = path.join(iface, 'host7/target7:0:0/7:0:0:0/block', spec.devName);
    mkdirSync(blockDir, { recursive: true });
    const [major, minor] = spec.majMin.split(':');
    writeFileSync(path.join(blockDir, 'dev'), `${spec.majMin}\n`);
    writeFileSync(path.join(blockDir, 'uevent'), `MAJOR=${major}\nMINOR=${minor}\nDEVNAME=${spec.devName}\nDEVTYPE=disk\n`);
    const link = path.join(this.root, 'dev/block', spec.majMin);
    rmSync(link, { force: true });
    symlinkSync(path.relative(path.dirname(link), blockDir), link);
  }

  /**
   * Adds a stacked block device (dm-crypt, LVM) under devices/virtual whose `slaves` are the given
   * block devices, as the kernel lays it out.
   */
  addStackedBlockDevice(spec: { majMin: string; devName: string; slaves: string[] }): void {
    const blockDir = path.join(this.root, 'devices/virtual/block', spec.devName);
    mkdirSync(path.join(blockDir, 'slaves'), { recursive: true });
    writeFileSync(path.join(blockDir, 'uevent'), `DEVNAME=${spec.devName}\nDEVTYPE=disk\n`);
    for (const lower of spec.slaves) {
      const lowerDir = path.resolve(path.join(this.root, 'dev/block'), readlinkSync(path.join(this.root, 'dev/block', lower)));
      symlinkSync(path.relative(path.join(blockDir, 'slaves'), lowerDir), path.join(blockDir, 'slaves', path.basename(lowerDir)));
    }
    const link = path.join(this.root, 'dev/block', spec.majMin);
    rmSync(link, { force: true });
    symlinkSync(path.relative(path.dirname(link), blockDir), link);
  }

  /** Removes a block device, as the kernel does when the driver under it is unbound. */
  removeBlockDevice(majMin: string): void {
    const link = path.join(this.root, 'dev/block', majMin);
    rmSync(path.resolve(path.dirname(link), readlinkSync(link)), { recursive: true, force: true });
    rmSync(link, { force: true });
  }

  /** Unplugs a device: its directory, its interfaces' and children's links, its block devices. */
  removeDevice(deviceId: string): void {
    const dir = this.deviceDir(deviceId);
    const busDir = path.join(this.root, 'bus/usb/devices');
    for (const name of readdirSync(busDir)) {
      if (name === deviceId || name.startsWith(`${deviceId}:`) || name.startsWith(`${deviceId}.`)) rmSync(path.join(busDir, name), { force: true });
    }
    const blockDir = path.join(this.root, 'dev/block');
    for (const name of readdirSync(blockDir)) {
      const target = path.resolve(blockDir, readlinkSync(path.join(blockDir, name)));
      if (target.startsWith(`${dir}/`)) rmSync(path.join(blockDir, name), { force: true });
    }
    rmSync(dir, { recursive: true, force: true });
  }

  /** Reads an attribute of a device or interface (`authorized`, `authorized_default`…), trimmed. */
  read(name: string, attribute: string): string {
    return readFileSync(path.join(this.root, 'bus/usb/devices', name, attribute), 'utf8').trim();
  }

  /** Sets an attribute, e.g. to play the kernel binding a device's interfaces. */
  write(name: string, attribute: string, value: string): void {
    writeFileSync(path.join(this.root, 'bus/usb/devices', name, attribute), `${value}\n`);
  }

  /** Every `authorized`/`authorized_default` value in the tree, to check that nothing was written. */
  snapshot(): Record<string, string> {
    const out: Record<string, string> = {};
    const busDir = path.join(this.root, 'bus/usb/devices');
    for (const name of readdirSync(busDir).sort()) {
      for (const attribute of ['authorized', 'authorized_default']) {
        const file = path.join(busDir, name, attribute);
        if (existsSync(file)) out[`${name}/${attribute}`] = readFileSync(file, 'utf8').trim();
      }
    }
    return out;
  }

  cleanup(): void {
    if (this.ownsRoot) rmSync(this.root, { recursive: true, force: true });
  }

  private writeDeviceFiles(dir: string, spec: FakeUsbDeviceSpec): void {
    mkdirSync(dir, { recursive: true });
    const deviceClass = spec.deviceClass ?? 0;
    const files: Record<string, string | undefined> = {
      idVendor: spec.vendorId,
      idProduct: spec.productId,
      serial: spec.serial,
      manufacturer: spec.manufacturer,
      product: spec.product,
      bDeviceClass: hex2(deviceClass),
      bNumInterfaces: ` ${spec.interfaces.length}`,
      authorized: spec.authorized === false ? '0' : '1',
    };
    for (const [name, value] of Object.entries(files)) if (value !== undefined) writeFileSync(path.join(dir, name), `${value}\n`);
    writeFileSync(path.join(dir, 'descriptors'), buildDescriptors({ vendorId: spec.vendorId, productId: spec.productId, deviceClass }, spec.interfaces));
  }

  private addInterfaces(dir: string, id: string, classes: number[], authorized: boolean): void {
    classes.forEach((cls, index) => {
      const name = `${id}:1.${index}`;
      const ifDir = path.join(dir, name);
      mkdirSync(ifDir, { recursive: true });
      writeFileSync(path.join(ifDir, 'bInterfaceClass'), `${hex2(cls)}\n`);
      writeFileSync(path.join(ifDir, 'bInterfaceNumber'), `${hex2(index)}\n`);
      writeFileSync(path.join(ifDir, 'authorized'), authorized ? '1\n' : '0\n');
      this.link(name, ifDir);
    });
  }

  /** `bus/usb/devices/<name>` → `../../../devices/...`, relative like the kernel's links. */
  private link(name: string, dir: string): void {
    const link = path.join(this.root, 'bus/usb/devices', name);
    rmSync(link, { force: true });
    symlinkSync(path.relative(path.dirname(link), dir), link);
  }

  private deviceDir(id: string): string {
    return path.resolve(path.join(this.root, 'bus/usb/devices'), readlinkSync(path.join(this.root, 'bus/usb/devices', id)));
  }

  private parentOf(port: string): string {
    const dot = port.lastIndexOf('.');
    if (dot >= 0) return port.slice(0, dot);
    const bus = /^(\d+)-\d+$/.exec(port)?.[1];
    if (!bus) throw new Error(`not a port path: ${port}`);
    return `usb${bus}`;
  }
}

function hex2(value: number): string {
  return value.toString(16).padStart(2, '0');
}
