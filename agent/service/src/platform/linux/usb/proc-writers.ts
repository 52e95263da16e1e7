/**
 * Pure parsers for the /proc files that tell who can write to a mounted file system: fdinfo (how a
 * file is open), maps (what is mapped shared), status (name, uid) and stat (start time, state).
 * The I/O that reads them is in writer-scan.ts.
 */

/** `O_ACCMODE` and its write values (asm-generic/fcntl.h). */
const O_ACCMODE = 0o3;
const O_WRONLY = 0o1;
const O_RDWR = 0o2;

/** The `flags:` field of /proc/<pid>/fdinfo/<fd> (octal), or null when absent. */
export function parseFdinfoFlags(text: string): number | null {
  const match = /^flags:\s+([0-7]+)$/m.exec(text);
  return match?.[1] ? parseInt(match[1], 8) : null;
}

/** True for a file opened O_WRONLY or O_RDWR (O_PATH has access mode 0 and does not count). */
export function isWriteMode(flags: number): boolean {
  const mode = flags & O_ACCMODE;
  return mode === O_WRONLY || mode === O_RDWR;
}

/** One line of /proc/<pid>/maps, as far as finding shared file mappings needs it. */
export interface MapsEntry {
  /** `rw-s`: read, write, execute, shared (s) or private (p). */
  perms: string;
  /** Device of the mapped file as `major:minor` in decimal, like mountinfo. */
  majMin: string;
  inode: number;
}

/** `7f2c..-7f2c.. rw-s 00000000 07:00 12 /media/stick/f` (the path may hold spaces; we do not need it). */
export function parseMapsLine(line: string): MapsEntry | null {
  const match = /^[0-9a-f]+-[0-9a-f]+ ([r-][w-][x-][sp]) [0-9a-f]+ ([0-9a-f]+):([0-9a-f]+) (\d+)/.exec(line);
  if (!match?.[1] || !match[2] || !match[3] || !match[4]) return null;
  return { perms: match[1], majMin: `${parseInt(match[2], 16)}:${parseInt(match[3], 16)}`, inode: Number(match[4]) };
}

/**
 * Whether a maps file holds a shared mapping of a file on device `majMin`: a writable one, or with
 * `anyShared` any shared one (mprotect can make a read-only shared mapping of a file that was opened
 * for writing writable again, and maps cannot tell how the file was opened).
 */
export function hasSharedMapping(mapsText: string, majMin: string, anyShared: boolean): boolean {
  for (const line of mapsText.split('\n')) {
    const entry = parseMapsLine(line);
    if (!entry || entry.inode === 0 || entry.majMin !== majMin || entry.perms[3] !== 's') continue;
    if (anyShared || entry.perms[1] === 'w') return true;
  }
  return false;
}

/** Name (comm) and real uid from /proc/<pid>/status. */
export function parseStatusNameUid(text: string): { name: string; uid: number } | null {
  // The name is escaped by the kernel (`\n` for a newline), but keep the raw line to its end.
  const name = /^Name:\t(.*)$/m.exec(text)?.[1];
  const uid = /^Uid:\t(\d+)/m.exec(text)?.[1];
  if (name === undefined || uid === undefined) return null;
  return { name, uid: Number(uid) };
}

/** State letter and start time (field 22, clock ticks since boot) from /proc/<pid>/stat. */
export function parseStatStateStart(text: string): { state: string; startTime: string } | null {
  // comm (field 2) may hold spaces and parentheses: everything after the last ')' is fixed fields.
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text.slice(close + 2).trim().split(' ');
  const state = fields[0];
  const startTime = fields[19];
  if (!state || !startTime || !/^\d+$/.test(startTime)) return null;
  return { state, startTime };
}

/** A process that has exited: zombies (Z) and dead tasks (X) have already closed their files. */
export function hasExited(state: string): boolean {
  return state === 'Z' || state === 'X';
}

/** `st_dev` as glibc encodes it (gnu_dev_major / gnu_dev_minor) → `major:minor`. */
export function majMinOfDev(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/**
 * A process name fit for an event: the kernel allows any bytes in comm (a newline, an escape
 * sequence), an event field allows no control characters.
 */
export function printableName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  const cleaned = name.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 64);
  return cleaned.length > 0 ? cleaned : '?';
}
