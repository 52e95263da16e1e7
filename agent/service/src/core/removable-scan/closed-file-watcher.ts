/**
 * Where "a file was written and closed on a removable mount" comes from. On Linux as root the
 * platform offers the kernel's answer: a fanotify notification group (`FAN_CLOSE_WRITE` with a
 * filesystem mark per mount) in the exec helper's `--close-write` mode
 * (platform/linux/close-write-source.ts): a file is reported when its writer closes it. Elsewhere
 * (no helper, not root) the channel uses inotify through chokidar (below): one watcher per mount,
 * and a file counts as closed once its size has not changed for `settleMs`.
 */
import type { Stats } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

/** Which kernel facility reports the writes: said as is in the capability report. */
export type ClosedFileMethod = 'fanotify' | 'inotify';

export interface ClosedFileWatch {
  close(): Promise<void>;
}

/** Watches one mount; `onClosed` gets absolute paths of regular files written there. */
export interface ClosedFileSource {
  readonly method: ClosedFileMethod;
  watchMount(mountPoint: string, onClosed: (file: string) => void, onError: (message: string) => void): Promise<ClosedFileWatch>;
}

export interface InotifySourceOptions {
  /** A file is taken as closed once its size held this long (a copy in progress is not scanned half-way). */
  settleMs: number;
  pollMs: number;
  /** How long to wait for the first walk of a mount before watching goes on without it. */
  readyTimeoutMs: number;
  /** Folders never reported (the agent's own data folder). */
  excluded: readonly string[];
}

const within = (file: string, dir: string): boolean => file === dir || file.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

export class InotifyClosedFileSource implements ClosedFileSource {
  readonly method = 'inotify' as const;

  constructor(private readonly options: InotifySourceOptions) {}

  async watchMount(mountPoint: string, onClosed: (file: string) => void, onError: (message: string) => void): Promise<ClosedFileWatch> {
    const { excluded } = this.options;
    const watcher: FSWatcher = watch(mountPoint, {
      // Files already on the stick are data at rest (`dlp-agent scan`), not writes.
      ignoreInitial: true,
      followSymlinks: false,
      ignorePermissionErrors: true,
      awaitWriteFinish: { stabilityThreshold: this.options.settleMs, pollInterval: this.options.pollMs },
      ignored: (p: string, _stats?: Stats) => excluded.some((dir) => within(path.resolve(p), dir)),
    });
    const closed = (file: string): void => onClosed(path.resolve(file));
    watcher.on('add', closed).on('change', closed);
    watcher.on('error', (err) => onError(err instanceof Error ? err.message : String(err)));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => watcher.once('ready', () => resolve())),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.readyTimeoutMs))),
    ]);
    clearTimeout(timer);
    return { close: () => watcher.close() };
  }
}
