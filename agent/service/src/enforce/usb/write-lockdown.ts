import type { StoppedWriter, UsbWriteProtection } from '@dlp/shared';
import type { Logger } from '../logger';
import type { UsbPlatform, WriterMappings } from './usb-platform';
import type { MountEntry, MountWriter, UsbBlockDevice } from './usb-types';

/** Bounds on how hard the lockdown tries before it cuts the device instead. */
export interface LockdownLimits {
  /** Rounds of find writers → stop → kill → remount read-only. */
  rounds: number;
  /** Scans per round that stop newly found writers, to catch children forked before the stop. */
  freezeScans: number;
  /** How long killed writers get to exit (a process stuck in I/O may never). */
  exitWaitMs: number;
}

const MAPPINGS_BY_ROUND: readonly WriterMappings[] = ['none', 'writable', 'all'];

export const DEFAULT_LOCKDOWN_LIMITS: LockdownLimits = { rounds: 3, freezeScans: 8, exitWaitMs: 2_000 };

/** Cuts a USB device (or its storage interfaces) off; true when it is cut off now. */
export type DeviceCutter = (usbDeviceId: string) => Promise<boolean>;

export type LockdownResult =
  | { ok: true; method: UsbWriteProtection; stopped: StoppedWriter[] }
  | { ok: false; stopped: StoppedWriter[]; error: string };

/**
 * Makes a mounted USB file system unwritable, through every open file too, in order of preference:
 * 1. remount read-only;
 * 2. when that is busy, stop every process that holds a file there open for writing or maps one
 *    shared (SIGSTOP all of them first, so a writer that forks cannot hand its file on; then
 *    SIGKILL), and remount read-only again;
 * 3. when writers cannot be found (a file descriptor in flight over a unix socket, an io_uring
 *    fixed file) or will not die: shut the file system down (FS_IOC_SHUTDOWN), so every write fails;
 * 4. else cut the device off (USB `authorized=0`): the disk goes away under the file system.
 * Writers are killed, never merely stopped: a stopped process still holds its file (the remount
 * stays busy) and its owner can resume it with SIGCONT.
 */
export class WriteLockdown {
  constructor(
    private readonly platform: UsbPlatform,
    private readonly cutDevice: DeviceCutter,
    private readonly log: Logger,
    private readonly limits: LockdownLimits = DEFAULT_LOCKDOWN_LIMITS,
  ) {}

  async lock(mount: MountEntry, block: UsbBlockDevice | null): Promise<LockdownResult> {
    const stopped = new Map<string, MountWriter>();
    let lastError = await this.tryRemount(mount);
    if (lastError === null) return { ok: true, method: 'remount', stopped: [] };
    for (let round = 0; round < this.limits.rounds; round++) {
      // Open files first (cheap to find); then writable shared mappings too (every maps file must be
      // read); then any shared mapping, since mprotect can make a read-only one writable again.
      const writers = await this.stopWriters(mount.majMin, MAPPINGS_BY_ROUND[Math.min(round, MAPPINGS_BY_ROUND.length - 1)] ?? 'all');
      for (const w of writers) stopped.set(`${w.pid}:${w.startTime}`, w);
      await this.killAndWait(writers);
      lastError = await this.tryRemount(mount);
      if (lastError === null) return { ok: true, method: stopped.size > 0 ? 'writers-stopped' : 'remount', stopped: report(stopped) };
    }
    this.log.warn('usb: writers could not be stopped, cutting writes off', { target: mount.target, stopped: stopped.size, error: lastError });
    try {
      await this.platform.shutdownFilesystem(mount.target, mount.majMin);
      return { ok: true, method: 'filesystem-shutdown', stopped: report(stopped) };
    } catch (err) {
      lastError = errorText(err);
      this.log.warn('usb: could not shut the file system down', { target: mount.target, error: err });
    }
    if (block && (await this.cutDevice(block.usbDeviceId).catch(() => false))) return { ok: true, method: 'device-cut', stopped: report(stopped) };
    return { ok: false, stopped: report(stopped), error: lastError };
  }

  /**
   * Null when the mount is read-only now, else why not. The mount table is read back: a remount by
   * path reaches the topmost mount there, which may be one stacked on top of the stick (a FUSE
   * mount the stick's owner put over its mount point).
   */
  private async tryRemount(mount: MountEntry): Promise<string | null> {
    try {
      await this.platform.remount(mount.target, true);
      const now = (await this.platform.readMounts()).find((m) => m.mountId === mount.mountId);
      if (now && !now.readOnly) return 'the remount reached another mount stacked on the same mount point';
      return null;
    } catch (err) {
      return errorText(err);
    }
  }

  /**
   * SIGSTOPs every writer, scanning again until a scan finds no writer that is still running: a
   * child forked before its parent stopped inherits the file and shows up on the next scan.
   */
  private async stopWriters(majMin: string, mappings: WriterMappings): Promise<MountWriter[]> {
    const stopped = new Map<number, MountWriter>();
    for (let scan = 0; scan < this.limits.freezeScans; scan++) {
      // Whatever goes wrong, what was stopped so far is returned: it must be killed, not left stopped.
      const found = await this.platform.findWriters(majMin, { mappings }).catch((err: unknown) => {
        this.log.warn('usb: could not scan for writers', { error: err });
        return [];
      });
      const fresh = found.filter((w) => stopped.get(w.pid)?.startTime !== w.startTime);
      if (fresh.length === 0) break;
      for (const writer of fresh) {
        const result = await this.platform.signalProcess(writer.pid, writer.startTime, 'SIGSTOP').catch(() => 'gone' as const);
        if (result === 'signalled') stopped.set(writer.pid, writer);
      }
    }
    return [...stopped.values()];
  }

  private async killAndWait(writers: MountWriter[]): Promise<void> {
    for (const w of writers) await this.platform.signalProcess(w.pid, w.startTime, 'SIGKILL').catch(() => 'gone');
    const deadline = Date.now() + this.limits.exitWaitMs;
    let alive = writers;
    while (alive.length > 0 && Date.now() < deadline) {
      const still = await Promise.all(alive.map((w) => this.platform.processAlive(w.pid, w.startTime).catch(() => false)));
      alive = alive.filter((_, i) => still[i]);
      if (alive.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (alive.length > 0) this.log.warn('usb: killed writers did not exit in time', { pids: alive.map((w) => w.pid) });
  }
}

function report(stopped: Map<string, MountWriter>): StoppedWriter[] {
  return [...stopped.values()].map((w) => ({ pid: w.pid, uid: w.uid, name: w.name }));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
