import { createHash } from 'node:crypto';
import { accessSync, constants, createReadStream, readdirSync, readFileSync, readlinkSync, type BigIntStats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import path from 'node:path';
import type { FileIdentity, HostInfo, HostRoots, KillResult, Platform, ProcessSnapshot, ProcessTable } from '../types';
import { FanotifyClosedFileSource } from './close-write-source';
import { fanotifyPreExec } from './fanotify/fanotify-pre-exec';
import { locateExecGuardHelper } from './fanotify/helper-location';
import { HostHardening } from './hardening';
import { HelperPeerCredentials } from './peer-credentials';
import { cleanExeLink, parsePasswd, parseProcStat, parseStatusUid } from './proc-parsers';
import { LinuxUsbPlatform } from './usb/linux-usb-platform';
import { consoleUser, parseUtmp } from './utmp';

export interface LinuxPlatformOptions {
  roots: HostRoots;
  /** Where utmp lives; outside the configurable roots because only host info reads it. */
  utmpPath?: string;
  /** Where USB problems that are not fatal (no hotplug, findmnt missing) are reported. */
  onUsbError?: (message: string) => void;
}

function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

async function readTextOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

function readProcTextOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function readExeLinkOrNull(file: string): string | null {
  try {
    return cleanExeLink(readlinkSync(file));
  } catch {
    // ENOENT for kernel threads, zombies and processes that just exited.
    return null;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function identityOf(st: BigIntStats): FileIdentity {
  return { dev: Number(st.dev), ino: Number(st.ino), size: Number(st.size), ctimeNs: st.ctimeNs };
}

function sha256OfFile(file: string): Promise<string | null> {
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    const stream = createReadStream(file);
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', () => resolve(null));
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * /proc-backed process table. Every path is under `roots.proc`, so tests can use a fake tree.
 *
 * The small procfs reads (stat, status, exe link) are synchronous on purpose: they never wait on a
 * disk, and the scanner makes hundreds per second, where a promise and a thread-pool hop each cost
 * ten times the read itself. Hashing, which does read disks, stays asynchronous.
 */
export class LinuxProcessTable implements ProcessTable {
  constructor(private readonly procRoot: string) {}

  private pidPath(pid: number, file: string): string {
    return path.join(this.procRoot, String(pid), file);
  }

  async listPids(): Promise<number[]> {
    const pids: number[] = [];
    for (const entry of readdirSync(this.procRoot)) {
      if (/^\d+$/.test(entry)) pids.push(Number(entry));
    }
    return pids;
  }

  async inspect(pid: number): Promise<ProcessSnapshot | null> {
    const statText = readProcTextOrNull(this.pidPath(pid, 'stat'));
    const statusText = statText === null ? null : readProcTextOrNull(this.pidPath(pid, 'status'));
    if (statText === null || statusText === null) return null;
    const parsed = parseProcStat(statText);
    const uid = parseStatusUid(statusText);
    if (!parsed || uid === null) return null;
    return {
      pid,
      ppid: parsed.ppid,
      uid,
      startTime: parsed.startTime,
      exePath: parsed.kernelThread ? null : readExeLinkOrNull(this.pidPath(pid, 'exe')),
      kernelThread: parsed.kernelThread,
    };
  }

  async exePath(pid: number): Promise<string | null> {
    return readExeLinkOrNull(this.pidPath(pid, 'exe'));
  }

  async exePaths(pids: readonly number[]): Promise<Map<number, string | null>> {
    return new Map(pids.map((pid) => [pid, readExeLinkOrNull(this.pidPath(pid, 'exe'))]));
  }

  async startTime(pid: number): Promise<string | null> {
    const text = readProcTextOrNull(this.pidPath(pid, 'stat'));
    return text === null ? null : (parseProcStat(text)?.startTime ?? null);
  }

  async executableIdentity(pid: number): Promise<FileIdentity | null> {
    try {
      // stat() follows the magic link to the running image, even if its path was unlinked or replaced.
      return identityOf(await stat(this.pidPath(pid, 'exe'), { bigint: true }));
    } catch {
      return null;
    }
  }

  hashExecutable(pid: number): Promise<string | null> {
    return sha256OfFile(this.pidPath(pid, 'exe'));
  }

  async fileIdentity(file: string): Promise<FileIdentity | null> {
    try {
      return identityOf(await stat(file, { bigint: true }));
    } catch {
      return null;
    }
  }

  hashFile(file: string): Promise<string | null> {
    return sha256OfFile(file);
  }

  async commandLine(pid: number): Promise<{ argv: string[]; cwd: string | null } | null> {
    const raw = readProcTextOrNull(this.pidPath(pid, 'cmdline'));
    if (raw === null) return null;
    let cwd: string | null = null;
    try {
      cwd = readlinkSync(this.pidPath(pid, 'cwd'));
    } catch {
      // Another user's process without ptrace access, or gone: relative scripts stay unjudged.
    }
    return { argv: raw.split('\0').filter((arg, i, all) => i < all.length - 1 || arg !== ''), cwd };
  }

  async kill(pid: number): Promise<KillResult> {
    try {
      process.kill(pid, 'SIGKILL');
      return 'killed';
    } catch (err) {
      return errnoOf(err) === 'ESRCH' ? 'gone' : 'denied';
    }
  }
}

/** Host facts from the configured proc and etc roots. */
export class LinuxHostInfo implements HostInfo {
  private passwdCache: { mtimeMs: number; users: Map<number, string> } | null = null;

  constructor(
    private readonly roots: HostRoots,
    private readonly utmpPath: string,
  ) {}

  async hostname(): Promise<string> {
    const text = await readTextOrNull(path.join(this.roots.proc, 'sys/kernel/hostname'));
    return text?.trim() || osHostname();
  }

  async osVersion(): Promise<string> {
    const text = await readTextOrNull(path.join(this.roots.proc, 'sys/kernel/osrelease'));
    return text?.trim() ?? 'unknown';
  }

  async loggedInUser(): Promise<string | null> {
    try {
      return consoleUser(parseUtmp(await readFile(this.utmpPath)));
    } catch {
      return null;
    }
  }

  async userName(uid: number): Promise<string | null> {
    const file = path.join(this.roots.etc, 'passwd');
    try {
      const { mtimeMs } = await stat(file);
      // Re-read only when the file changed: events resolve a user name each, and come in bursts.
      if (this.passwdCache?.mtimeMs !== mtimeMs) {
        this.passwdCache = { mtimeMs, users: parsePasswd(await readFile(file, 'utf8')) };
      }
      return this.passwdCache.users.get(uid) ?? null;
    } catch {
      return null;
    }
  }
}

export function createLinuxPlatform(options: LinuxPlatformOptions): Platform {
  const realHost = path.resolve(options.roots.proc) === '/proc';
  const processes = new LinuxProcessTable(options.roots.proc);
  const helperPath = locateExecGuardHelper();
  return {
    os: 'linux',
    processes,
    host: new LinuxHostInfo(options.roots, options.utmpPath ?? '/run/utmp'),
    self: { pid: process.pid, ppid: process.ppid },
    peers: new HelperPeerCredentials(),
    // Pre-exec blocking judges the real host's execs; an agent pointed at a fake proc tree is under
    // test and must not mark the mounts of the machine it happens to run on.
    ...(realHost ? { preExec: fanotifyPreExec({ agentPid: process.pid, processes }) } : {}),
    // The exec helper's close-write mode, as root where it is built or installed; else inotify.
    ...(realHost && process.getuid?.() === 0 && isExecutable(helperPath) ? { closedFiles: new FanotifyClosedFileSource(helperPath) } : {}),
    hardening: (stateFile) => new HostHardening({ procRoot: options.roots.proc, sysRoot: options.roots.sys, stateFile }),
    usb: new LinuxUsbPlatform({
      sysRoot: options.roots.sys,
      procRoot: options.roots.proc,
      // findmnt follows the real mount table: with a fake proc root the periodic rescan reads it.
      mountWatch: realHost ? 'findmnt' : 'none',
      ...(options.onUsbError ? { onError: options.onUsbError } : {}),
    }),
  };
}
