import { execFile } from 'node:child_process';

/** How long a mount tool may take before we give up on it (a hung NFS unmount must not hang us). */
const COMMAND_TIMEOUT_MS = 15_000;

/** A mount tool failed; `message` carries its stderr so the log says why. */
export class MountCommandError extends Error {}

/**
 * util-linux tools run with argument arrays (never a shell string: mount points come from the
 * mount table, which a user controls). `--` keeps a path from being read as an option.
 */
export function runTool(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: COMMAND_TIMEOUT_MS, env: { ...process.env, LC_ALL: 'C' } }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const detail = String(stderr).trim() || error.message;
      reject(new MountCommandError(`${file} ${args.join(' ')}: ${detail}`));
    });
  });
}

export function unmount(target: string, lazy: boolean): Promise<void> {
  return runTool('umount', lazy ? ['-l', '--', target] : ['--', target]);
}

export function remount(target: string, readOnly: boolean): Promise<void> {
  return runTool('mount', ['-o', readOnly ? 'remount,ro' : 'remount,rw', '--', target]);
}

export function setBlockDeviceReadOnly(devPath: string, readOnly: boolean): Promise<void> {
  return runTool('blockdev', [readOnly ? '--setro' : '--setrw', devPath]);
}
