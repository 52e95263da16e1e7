/**
 * Parsers for /proc text files. Pure functions so the odd cases (a process name with spaces or
 * parentheses, a deleted executable) are unit tested without a process to match.
 */

/** Kernel-thread flag in /proc/PID/stat `flags` (PF_KTHREAD, include/linux/sched.h). */
const PF_KTHREAD = 0x00200000;

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  flags: number;
  /** Field 22, clock ticks after boot, kept as text: it only needs comparing. */
  startTime: string;
  kernelThread: boolean;
}

/**
 * Parses /proc/PID/stat. The command name sits in parentheses and may itself contain spaces and
 * ")", so the fields are split after the LAST ")".
 */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const state = rest[0];
  const ppid = Number(rest[1]);
  const flags = Number(rest[6]);
  const startTime = rest[19];
  if (!Number.isInteger(pid) || state === undefined || !Number.isInteger(ppid) || !Number.isFinite(flags) || startTime === undefined) {
    return null;
  }
  return {
    pid,
    comm: text.slice(open + 1, close),
    state,
    ppid,
    flags,
    startTime,
    // kthreadd (pid 2) and its children are kernel threads; the flag is the authoritative test.
    kernelThread: (flags & PF_KTHREAD) !== 0 || pid === 2 || ppid === 2,
  };
}

/** The real uid from /proc/PID/status (`Uid:\treal\teffective\tsaved\tfs`). */
export function parseStatusUid(text: string): number | null {
  const match = /^Uid:\s+(\d+)/m.exec(text);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** readlink(/proc/PID/exe) appends " (deleted)" when the file was unlinked while running. */
export function cleanExeLink(link: string): string {
  return link.endsWith(' (deleted)') ? link.slice(0, -' (deleted)'.length) : link;
}

/** Parses /etc/passwd into uid → name. Malformed lines are skipped, the first entry for a uid wins. */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [name, , uidText] = line.split(':');
    const uid = Number(uidText);
    if (name && uidText !== undefined && uidText !== '' && Number.isInteger(uid) && !users.has(uid)) users.set(uid, name);
  }
  return users;
}
