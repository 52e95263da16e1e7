import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/**
 * A tmpfs mounted at `mountPoint` (created if missing): the only place pre-exec tests let the
 * agent mark, since marking a mount others use (let alone /) would have their execs judged too.
 * Returns the unmount, which must run even when the test failed.
 */
export function mountTmpfs(mountPoint: string, sizeMb = 64): () => void {
  mkdirSync(mountPoint, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, 'dlp-e2e-tmpfs', mountPoint]);
  return () => {
    try {
      execFileSync('umount', [mountPoint]);
    } catch {
      // Still busy (a process that has not exited yet): detach now, the kernel frees it when idle.
      execFileSync('umount', ['-l', mountPoint]);
    }
  };
}
