import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HostHardening } from '../linux/hardening';
import { LinuxUsbPlatform } from '../linux/usb/linux-usb-platform';
import { FakeProcessTable } from '../../testing/fake-process-table';
import { HelperPeerCredentials } from '../linux/peer-credentials';
import type { HostInfo, Platform } from '../types';
import { FakeHotplug } from './usb/fake-hotplug';
import { FakeSysfsTree } from './usb/fake-sysfs-tree';

// The fake process table lives in testing/ so enforce/ tests can use it without importing platform/.
export { FakeProcessTable, fakeSha256, type FakeProcess } from '../../testing/fake-process-table';

export class FakeHostInfo implements HostInfo {
  users = new Map<number, string>([
    [0, 'root'],
    [1000, 'alice'],
  ]);
  host = 'ws-test-01';
  version = '6.1.0-test';
  consoleUser: string | null = 'alice';

  async hostname(): Promise<string> {
    return this.host;
  }
  async osVersion(): Promise<string> {
    return this.version;
  }
  async loggedInUser(): Promise<string | null> {
    return this.consoleUser;
  }
  async userName(uid: number): Promise<string | null> {
    return this.users.get(uid) ?? null;
  }
}

export interface FakePlatform extends Platform {
  processes: FakeProcessTable;
  host: FakeHostInfo;
  /** The sysfs tree the USB platform works on: tests plug devices in and read `authorized` back. */
  usbTree: FakeSysfsTree;
  /** Plays node-usb's attach/detach notifications. */
  hotplug: FakeHotplug;
  /** Removes the fake sysfs and proc trees (unless they were made under a caller's `root`). */
  cleanup(): void;
}

export interface FakePlatformOptions {
  /** Where to build the fake `sys/` and `proc/` trees; default a fresh temp dir removed by `cleanup`. */
  root?: string;
}

/**
 * A fake platform whose own process is pid 4242 with parent 4241 (both absent unless spawned). USB
 * is the real Linux USB code on a fake sysfs tree with two root hubs (handbook §3: no USB bus here),
 * with an empty mount table under a fake proc root.
 */
export function createFakePlatform(options: FakePlatformOptions = {}): FakePlatform {
  const root = options.root ?? mkdtempSync(path.join(tmpdir(), 'dlp-fake-platform-'));
  const sysRoot = path.join(root, 'sys');
  const procRoot = path.join(root, 'proc');
  mkdirSync(sysRoot, { recursive: true });
  mkdirSync(path.join(procRoot, 'self'), { recursive: true });
  writeFileSync(path.join(procRoot, 'self/mountinfo'), '');
  const usbTree = FakeSysfsTree.create(sysRoot);
  usbTree.addRootHub(1);
  usbTree.addRootHub(2);
  const hotplug = new FakeHotplug();
  return {
    os: 'linux',
    processes: new FakeProcessTable(),
    host: new FakeHostInfo(),
    self: { pid: 4242, ppid: 4241 },
    // The real kernel answers who connected: tests connect as root or run a client as `nobody`.
    peers: new HelperPeerCredentials(),
    usb: new LinuxUsbPlatform({ sysRoot, procRoot, hotplug, mountWatch: 'none' }),
    // The real sysctl code on the fake proc tree: a test writes `sys/...` files there to have switches.
    hardening: (stateFile) => new HostHardening({ procRoot, sysRoot, stateFile }),
    usbTree,
    hotplug,
    cleanup() {
      if (!options.root) rmSync(root, { recursive: true, force: true });
    },
  };
}
