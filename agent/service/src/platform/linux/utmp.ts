/**
 * Reads who is logged in from utmp (glibc layout on 64-bit Linux: 384-byte records). Used only for
 * the `user` field of the agent's host info, so a parse failure just means "unknown".
 */

const RECORD_SIZE = 384;
const USER_PROCESS = 7;
const LINE_OFFSET = 8;
const LINE_SIZE = 32;
const USER_OFFSET = 44;
const USER_SIZE = 32;

export interface UtmpLogin {
  user: string;
  line: string;
}

function cString(buf: Buffer, offset: number, size: number): string {
  const slice = buf.subarray(offset, offset + size);
  const end = slice.indexOf(0);
  return slice.subarray(0, end < 0 ? slice.length : end).toString('utf8');
}

/** Every USER_PROCESS record, in file order. */
export function parseUtmp(buf: Buffer): UtmpLogin[] {
  const logins: UtmpLogin[] = [];
  for (let offset = 0; offset + RECORD_SIZE <= buf.length; offset += RECORD_SIZE) {
    if (buf.readInt32LE(offset) !== USER_PROCESS) continue;
    const user = cString(buf, offset + USER_OFFSET, USER_SIZE);
    if (user) logins.push({ user, line: cString(buf, offset + LINE_OFFSET, LINE_SIZE) });
  }
  return logins;
}

/**
 * The user at the physical console: a graphical seat (`:0`, `seat0`) or a local tty wins over
 * remote pseudo-terminals, because the agent reports the person in front of the workstation.
 */
export function consoleUser(logins: readonly UtmpLogin[]): string | null {
  const local = logins.find((l) => l.line.startsWith(':') || l.line.startsWith('seat') || /^tty\d/.test(l.line));
  return (local ?? logins[0])?.user ?? null;
}
