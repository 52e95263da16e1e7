import { spawn, type ChildProcess } from 'node:child_process';
import type { WatchHandle } from '../../../enforce/usb/usb-platform';

export interface FindmntWatcherOptions {
  /** Program to run; tests may point it elsewhere. */
  command?: string;
  /** First restart delay after findmnt exits; doubles up to `maxRestartDelayMs`. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  onError?: (message: string) => void;
}

/**
 * Follows the mount table with `findmnt --poll` (util-linux), which sleeps in poll(2) on
 * /proc/self/mountinfo and prints one line per mount, remount or unmount. Any line is a nudge to
 * re-read the table: we never trust the line itself, so a dropped or odd line costs nothing. If
 * findmnt dies it is restarted with backoff; the caller's periodic rescan covers the gap.
 */
export async function watchMountsWithFindmnt(onChange: () => void, options: FindmntWatcherOptions = {}): Promise<WatchHandle> {
  const command = options.command ?? 'findmnt';
  const baseDelay = options.restartDelayMs ?? 500;
  const maxDelay = options.maxRestartDelayMs ?? 30_000;
  let stopped = false;
  let child: ChildProcess | null = null;
  let delay = baseDelay;
  let restartTimer: NodeJS.Timeout | null = null;

  const launch = (): Promise<boolean> =>
    new Promise((resolve) => {
      const proc = spawn(command, ['--poll', '--raw', '--noheadings', '--output', 'ACTION,TARGET'], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let started = false;
      proc.once('spawn', () => {
        started = true;
        resolve(true);
      });
      proc.stdout?.on('data', () => {
        delay = baseDelay;
        onChange();
      });
      proc.stderr?.on('data', (chunk: Buffer) => options.onError?.(`findmnt: ${chunk.toString('utf8').trim()}`));
      proc.once('error', (err) => {
        options.onError?.(`findmnt: ${err.message}`);
        if (!started) resolve(false);
      });
      proc.once('close', () => {
        if (child === proc) child = null;
        if (!started || stopped) return;
        // The table may have changed while nobody watched: nudge once, then restart.
        onChange();
        restartTimer = setTimeout(() => {
          restartTimer = null;
          if (!stopped) void launch();
        }, delay);
        delay = Math.min(delay * 2, maxDelay);
      });
    });

  const live = await launch();
  return {
    live,
    async stop() {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      const proc: ChildProcess | null = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('close', () => resolve());
        proc.kill('SIGTERM');
      });
    },
  };
}
