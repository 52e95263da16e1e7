import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SignalResult, WriterMappings } from '../../../enforce/usb/usb-platform';
import type { MountWriter } from '../../../enforce/usb/usb-types';
import { hasExited, hasSharedMapping, isWriteMode, majMinOfDev, parseFdinfoFlags, parseStatStateStart, parseStatusNameUid, printableName } from './proc-writers';

/** Processes inspected at once: enough to hide latency, few enough not to flood the libuv pool. */
const CONCURRENCY = 16;

/**
 * Finds the processes that can write to the file system on `majMin` by reading `<procRoot>`:
 * every fd is stat'ed (the device of the file it refers to, deleted or not, in any mount
 * namespace), and the ones on that device are checked for write mode in fdinfo; unless `mappings`
 * is `none`, every maps file is searched for shared mappings. Processes that vanish or cannot be read are skipped: the caller's
 * remount tells whether anything was missed.
 */
export async function findWriters(procRoot: string, majMin: string, options: { mappings: WriterMappings; selfPid: number }): Promise<MountWriter[]> {
  const pids = (await readdir(procRoot).catch(() => [] as string[])).filter((n) => /^\d+$/.test(n)).map(Number).filter((pid) => pid !== options.selfPid);
  const out: MountWriter[] = [];
  for (let i = 0; i < pids.length; i += CONCURRENCY) {
    const batch = await Promise.all(pids.slice(i, i + CONCURRENCY).map((pid) => inspect(procRoot, pid, majMin, options.mappings)));
    for (const writer of batch) if (writer) out.push(writer);
  }
  return out;
}

async function inspect(procRoot: string, pid: number, majMin: string, mappings: WriterMappings): Promise<MountWriter | null> {
  const dir = path.join(procRoot, String(pid));
  let via: MountWriter['via'] | null = null;
  if (await holdsWritableFd(dir, majMin)) via = 'fd';
  else if (mappings !== 'none') {
    const maps = await readFile(path.join(dir, 'maps'), 'utf8').catch(() => '');
    if (hasSharedMapping(maps, majMin, mappings === 'all')) via = 'mmap';
  }
  if (!via) return null;
  const [status, statText] = await Promise.all([readFile(path.join(dir, 'status'), 'utf8').catch(() => ''), readFile(path.join(dir, 'stat'), 'utf8').catch(() => '')]);
  const who = parseStatusNameUid(status);
  const life = parseStatStateStart(statText);
  if (!who || !life || hasExited(life.state)) return null;
  return { pid, startTime: life.startTime, uid: who.uid, name: printableName(who.name), via };
}

async function holdsWritableFd(dir: string, majMin: string): Promise<boolean> {
  const fds = await readdir(path.join(dir, 'fd')).catch(() => [] as string[]);
  // stat follows the magic link to the open file itself; sockets and pipes are on other devices.
  const onDevice = await Promise.all(
    fds.map(async (fd) => {
      const st = await stat(path.join(dir, 'fd', fd), { bigint: true }).catch(() => null);
      return st !== null && majMinOfDev(st.dev) === majMin;
    }),
  );
  for (const [i, fd] of fds.entries()) {
    if (!onDevice[i]) continue;
    const flags = parseFdinfoFlags(await readFile(path.join(dir, 'fdinfo', fd), 'utf8').catch(() => ''));
    if (flags !== null && isWriteMode(flags)) return true;
  }
  return false;
}

/** Start time and state of a process; null when it is gone. */
async function life(procRoot: string, pid: number): Promise<{ state: string; startTime: string } | null> {
  const text = await readFile(path.join(procRoot, String(pid), 'stat'), 'utf8').catch(() => null);
  return text === null ? null : parseStatStateStart(text);
}

/** Signals `pid` if it is still the process that was seen (a reused pid is left alone). */
export async function signalProcess(procRoot: string, pid: number, startTime: string, signal: 'SIGSTOP' | 'SIGKILL'): Promise<SignalResult> {
  const now = await life(procRoot, pid);
  if (!now || now.startTime !== startTime || hasExited(now.state)) return 'gone';
  try {
    process.kill(pid, signal);
    return 'signalled';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'denied';
  }
}

/** False once the process exited (a zombie's files are closed) or its pid belongs to another. */
export async function processAlive(procRoot: string, pid: number, startTime: string): Promise<boolean> {
  const now = await life(procRoot, pid);
  return now !== null && now.startTime === startTime && !hasExited(now.state);
}
