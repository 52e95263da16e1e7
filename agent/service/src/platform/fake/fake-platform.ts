import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LinuxUsbPlatform } from '../linux/usb/linux-usb-platform';
import type { FileIdentity, HostInfo, KillResult, Platform, ProcessSnapshot, ProcessTable } from '../types';
import { FakeHotplug } from './usb/fake-hotplug';
import { FakeSysfsTree } from './usb/fake-sysfs-tree';

/** A process in the fake table. `content` stands for the executable's bytes (hashed like a file). */
export interface FakeProcess {
  pid: number;
  ppid?: number;
  uid?: number;
  startTime?: string;
  exePath: string | null;
  content?: string;
  kernelThread?: boolean;
}

interface StoredProcess {
  pid: number;
  ppid: number;
  uid: number;
  startTime: string;
  exePath: string | null;
  content: string;
  kernelThread: boolean;
  ino: number;
}

/**
 * In-memory process table for tests of the app control logic: processes are added and exec'd by
 * the test, kills are recorded, hashing is counted so tests can check the cache.
 */
export class FakeProcessTable implements ProcessTable {
  private readonly procs = new Map<number, StoredProcess>();
  private nextIno = 1000;
  private nextStart = 1;
  /** Same path and content = same file (same inode), as for processes running one binary. */
  private readonly inodes = new Map<string, number>();
  /** What is at each path now (the image of the last process spawned or exec'd from it). */
  private readonly files = new Map<string, { content: string; ino: number }>();
  readonly killed: number[] = [];
  hashCalls = 0;
  /** How many times the process list was read (one per scan). */
  listCalls = 0;
  /** Pids whose kill() should fail with `denied`. */
  readonly protectedPids = new Set<number>();

  spawn(proc: FakeProcess): void {
    this.procs.set(proc.pid, {
      pid: proc.pid,
      ppid: proc.ppid ?? 1,
      uid: proc.uid ?? 1000,
      startTime: proc.startTime ?? String(this.nextStart++),
      exePath: proc.exePath,
      content: proc.content ?? `binary:${proc.exePath ?? ''}`,
      kernelThread: proc.kernelThread ?? false,
      ino: this.inodeOf(proc.exePath, proc.content ?? `binary:${proc.exePath ?? ''}`),
    });
  }

  /** execve(): same pid and start time, new image. */
  exec(pid: number, exePath: string, content?: string): void {
    const proc = this.procs.get(pid);
    if (!proc) throw new Error(`no fake process ${pid}`);
    const image = content ?? `binary:${exePath}`;
    this.procs.set(pid, { ...proc, exePath, content: image, ino: this.inodeOf(exePath, image) });
  }

  private inodeOf(exePath: string | null, content: string): number {
    const key = `${exePath ?? ''}\0${content}`;
    let ino = this.inodes.get(key);
    if (ino === undefined) {
      ino = this.nextIno++;
      this.inodes.set(key, ino);
    }
    if (exePath) this.files.set(exePath, { content, ino });
    return ino;
  }

  exit(pid: number): void {
    this.procs.delete(pid);
  }

  isRunning(pid: number): boolean {
    return this.procs.has(pid);
  }

  async listPids(): Promise<number[]> {
    this.listCalls++;
    return [...this.procs.keys()];
  }

  async inspect(pid: number): Promise<ProcessSnapshot | null> {
    const p = this.procs.get(pid);
    return p ? { pid: p.pid, ppid: p.ppid, uid: p.uid, startTime: p.startTime, exePath: p.exePath, kernelThread: p.kernelThread } : null;
  }

  async exePath(pid: number): Promise<string | null> {
    return this.procs.get(pid)?.exePath ?? null;
  }

  async exePaths(pids: readonly number[]): Promise<Map<number, string | null>> {
    return new Map(pids.map((pid) => [pid, this.procs.get(pid)?.exePath ?? null]));
  }

  async startTime(pid: number): Promise<string | null> {
    return this.procs.get(pid)?.startTime ?? null;
  }

  async executableIdentity(pid: number): Promise<FileIdentity | null> {
    const p = this.procs.get(pid);
    return p?.exePath ? { dev: 1, ino: p.ino, size: p.content.length, mtimeMs: 0 } : null;
  }

  async hashExecutable(pid: number): Promise<string | null> {
    const p = this.procs.get(pid);
    if (!p?.exePath) return null;
    this.hashCalls++;
    return fakeSha256(p.content);
  }

  async fileIdentity(file: string): Promise<FileIdentity | null> {
    const f = this.files.get(file);
    return f ? { dev: 1, ino: f.ino, size: f.content.length, mtimeMs: 0 } : null;
  }

  async hashFile(file: string): Promise<string | null> {
    const f = this.files.get(file);
    if (!f) return null;
    this.hashCalls++;
    return fakeSha256(f.content);
  }

  async kill(pid: number): Promise<KillResult> {
    if (this.protectedPids.has(pid)) return 'denied';
    if (!this.procs.delete(pid)) return 'gone';
    this.killed.push(pid);
    return 'killed';
  }
}

/** The sha256 the fake table reports for an executable with this content. */
export function fakeSha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

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
    usb: new LinuxUsbPlatform({ sysRoot, procRoot, hotplug, mountWatch: 'none' }),
    usbTree,
    hotplug,
    cleanup() {
      if (!options.root) rmSync(root, { recursive: true, force: true });
    },
  };
}
