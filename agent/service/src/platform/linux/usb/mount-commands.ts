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

/**
 * FS_IOC_SHUTDOWN (_IOR('X', 125, __u32); ext4, xfs, f2fs and newer exfat/ntfs3 share it) with flag
 * 0: flush what was written so far, then fail every later write. Node has no ioctl, so the call is
 * made by perl (perl-base is part of every Debian/Ubuntu install). The directory is opened first and
 * its device checked against the one we mean: a mount point path can be raced or stacked on, and
 * shutting down the wrong file system (say, /) would be a disaster.
 */
const SHUTDOWN_SCRIPT = [
  'use strict; use Fcntl;',
  'my ($dir, $major, $minor) = @ARGV;',
  'sysopen(my $fh, $dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) or die "open: $!\\n";',
  'my $dev = (stat($fh))[0];',
  'my $maj = (($dev >> 8) & 0xfff) | (($dev >> 32) & ~0xfff); my $min = ($dev & 0xff) | (($dev >> 12) & ~0xff);',
  'die "not the expected file system ($maj:$min)\\n" unless $maj == $major && $min == $minor;',
  'my $flags = pack("L", 0);',
  'ioctl($fh, 0x8004587d, $flags) or die "FS_IOC_SHUTDOWN: $!\\n";',
].join(' ');

export function shutdownFilesystem(target: string, majMin: string): Promise<void> {
  const [major, minor] = majMin.split(':');
  if (!major || !minor || !/^\d+$/.test(major) || !/^\d+$/.test(minor)) return Promise.reject(new MountCommandError(`not a device number: ${majMin}`));
  return runTool('perl', ['-e', SHUTDOWN_SCRIPT, '--', target, major, minor]);
}
