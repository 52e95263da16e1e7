import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SignalResult, UsbPlatform, WatchHandle, WriterMappings } from '../../../enforce/usb/usb-platform';
import type { MountEntry, MountWriter, UsbBlockDevice, UsbDeviceInfo } from '../../../enforce/usb/usb-types';
import { watchMountsWithFindmnt } from './findmnt-watcher';
import { NodeUsbHotplug, type HotplugAdapter } from './hotplug';
import * as tools from './mount-commands';
import { parseMountinfo } from './mountinfo';
import { SysfsUsb } from './sysfs-usb';
import * as writers from './writer-scan';

export interface LinuxUsbPlatformOptions {
  /** `hostRoots.sys`: where sysfs is (a fake tree in tests). */
  sysRoot: string;
  /** `hostRoots.proc`: mountinfo is read from `<proc>/self/mountinfo`, writers from `<proc>/<pid>/`. */
  procRoot: string;
  /** Where device nodes are (`/dev`). */
  devRoot?: string;
  /** Hotplug notifications; node-usb by default, a fake in tests. */
  hotplug?: HotplugAdapter;
  /**
   * `findmnt` follows the real mount table (it only makes sense when `procRoot` is the real /proc);
   * `none` leaves it to the caller's periodic rescan.
   */
  mountWatch?: 'findmnt' | 'none';
  onError?: (message: string) => void;
}

/** The Linux USB platform: sysfs for devices, mountinfo + util-linux tools for mounts. */
export class LinuxUsbPlatform implements UsbPlatform {
  private readonly sysfs: SysfsUsb;
  private readonly hotplug: HotplugAdapter;

  constructor(private readonly options: LinuxUsbPlatformOptions) {
    this.sysfs = new SysfsUsb(options.sysRoot, options.devRoot ?? '/dev');
    this.hotplug = options.hotplug ?? new NodeUsbHotplug(undefined, options.onError);
  }

  listDevices(): Promise<UsbDeviceInfo[]> {
    return this.sysfs.listDevices();
  }

  setDeviceAuthorized(deviceId: string, authorized: boolean): Promise<void> {
    return this.sysfs.setDeviceAuthorized(deviceId, authorized);
  }

  setInterfaceAuthorized(interfaceName: string, authorized: boolean): Promise<void> {
    return this.sysfs.setInterfaceAuthorized(interfaceName, authorized);
  }

  setHubAuthorizedDefault(hubId: string, authorized: boolean): Promise<void> {
    return this.sysfs.setHubAuthorizedDefault(hubId, authorized);
  }

  listUsbBlockDevices(): Promise<UsbBlockDevice[]> {
    return this.sysfs.listUsbBlockDevices();
  }

  usbAvailable(): Promise<boolean> {
    return this.sysfs.available();
  }

  async readMounts(): Promise<MountEntry[]> {
    return parseMountinfo(await readFile(path.join(this.options.procRoot, 'self/mountinfo'), 'utf8'));
  }

  unmount(target: string, options: { lazy: boolean }): Promise<void> {
    return tools.unmount(target, options.lazy);
  }

  remount(target: string, readOnly: boolean): Promise<void> {
    return tools.remount(target, readOnly);
  }

  setBlockDeviceReadOnly(devPath: string, readOnly: boolean): Promise<void> {
    return tools.setBlockDeviceReadOnly(devPath, readOnly);
  }

  findWriters(majMin: string, options: { mappings: WriterMappings }): Promise<MountWriter[]> {
    return writers.findWriters(this.options.procRoot, majMin, { ...options, selfPid: process.pid });
  }

  signalProcess(pid: number, startTime: string, signal: 'SIGSTOP' | 'SIGKILL'): Promise<SignalResult> {
    return writers.signalProcess(this.options.procRoot, pid, startTime, signal);
  }

  processAlive(pid: number, startTime: string): Promise<boolean> {
    return writers.processAlive(this.options.procRoot, pid, startTime);
  }

  shutdownFilesystem(target: string, majMin: string): Promise<void> {
    return tools.shutdownFilesystem(target, majMin);
  }

  async watchDevices(onChange: () => void): Promise<WatchHandle> {
    const live = await this.hotplug.start(onChange);
    return { live, stop: () => this.hotplug.stop() };
  }

  async watchMounts(onChange: () => void): Promise<WatchHandle> {
    if ((this.options.mountWatch ?? 'findmnt') === 'none') return { live: false, stop: async () => undefined };
    return watchMountsWithFindmnt(onChange, { onError: this.options.onError });
  }
}
