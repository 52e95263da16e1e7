/**
 * The watched-folder channel (issue 16 item 3): the folders in the policy's `content.watchedPaths`
 * are watched recursively (chokidar); a file added or changed there is scanned once it has stopped
 * growing, and reported (or quarantined) when it holds bulk customer data or cannot be read.
 * Files already there when watching starts are not scanned: that is data at rest (`dlp-agent scan`).
 */
import type { Stats } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { ExtractionLimits } from '@dlp/shared/node';
import type { Logger } from '../logger';
import type { ContentSettings } from './content-verdict';
import { FileQuarantine } from './file-quarantine';
import { ScanQueue } from './scan-queue';
import { scanWatchedFile, type ContentFinding } from './watched-file-scan';
import { isWithin, parseWatchedPaths, placeOf, watchBases, type WatchedFolder, type WatchedFolders } from './watched-paths';

export interface WatchedFolderTuning {
  /** A file must keep its size this long before it is scanned (half-written files are not). */
  stabilityMs: number;
  pollMs: number;
  maxPending: number;
  concurrency: number;
  /** Tighter than extraction's defaults: a watched folder sees every file, not one the user chose to scan. */
  limits: Partial<ExtractionLimits>;
  maxHashBytes: number;
  /** Remembered (path → last scan) entries, so an unchanged file is not scanned or reported twice. */
  maxRemembered: number;
  /** How long start() and a policy change wait for the initial directory walk. */
  readyTimeoutMs: number;
  /** How long stop() waits for a running scan (service stop must not wait out a 60 s scan). */
  stopWaitMs: number;
}

export const DEFAULT_WATCHED_FOLDER_TUNING: WatchedFolderTuning = {
  stabilityMs: 2000,
  pollMs: 200,
  maxPending: 1000,
  concurrency: 1,
  limits: { maxBytes: 100 * 1024 ** 2, maxTimeMs: 60_000 },
  maxHashBytes: 1024 ** 3,
  maxRemembered: 10_000,
  readyTimeoutMs: 10_000,
  stopWaitMs: 2000,
};

export interface WatchedFolderNotice {
  severity: 'low' | 'medium' | 'high';
  message: string;
  details?: Record<string, string | number | boolean>;
}

export interface WatchedFolderControlOptions {
  /** `<dataDir>/quarantine`. */
  quarantineDir: string;
  /** Folders never scanned even inside a watched one (the agent's own data dir). */
  excluded: readonly string[];
  report: (finding: ContentFinding) => void;
  notice: (notice: WatchedFolderNotice) => void;
  log: Logger;
  tuning?: Partial<WatchedFolderTuning>;
}

/** What the policy asks of this channel; null: off. */
export interface WatchedFolderPolicy {
  settings: ContentSettings;
  watchedPaths: readonly string[];
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class WatchedFolderControl {
  private readonly tuning: WatchedFolderTuning;
  private readonly quarantine: FileQuarantine;
  private readonly queue: ScanQueue;
  private policy: WatchedFolderPolicy | null = null;
  private folders: WatchedFolders = { folders: [], refused: [] };
  private watcher: FSWatcher | null = null;
  private watchedKey = '[]';
  private running = false;
  /** path → scan key (identity, size, times) and the sha256 last reported for it. */
  private readonly remembered = new Map<string, { key: string; reported?: string }>();
  private changing: Promise<void> = Promise.resolve();

  constructor(private readonly options: WatchedFolderControlOptions) {
    this.tuning = { ...DEFAULT_WATCHED_FOLDER_TUNING, ...options.tuning };
    this.quarantine = new FileQuarantine(options.quarantineDir);
    this.queue = new ScanQueue({
      maxPending: this.tuning.maxPending,
      concurrency: this.tuning.concurrency,
      run: (file) => this.scan(file),
      overflowed: (dropped) => options.notice({ severity: 'medium', message: 'content scan queue full: files in watched folders were not scanned', details: { dropped } }),
    });
  }

  /** Takes the policy's section (null: channel off); rebuilds the watcher only when the folders change. */
  apply(policy: WatchedFolderPolicy | null): Promise<void> {
    this.policy = policy;
    return this.rewatch();
  }

  async start(): Promise<void> {
    this.running = true;
    await this.rewatch();
  }

  /** Stops watching; a scan still running (up to the time limit) finishes unreported after a short wait. */
  async stop(): Promise<void> {
    this.running = false;
    await this.rewatch();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.queue.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, this.tuning.stopWaitMs)))]);
    clearTimeout(timer);
  }

  /** The folders watched now (bases handed to the watcher) and the policy entries refused. */
  status(): { watching: string[]; refused: WatchedFolders['refused'] } {
    return { watching: this.watcher ? watchBases(this.folders.folders) : [], refused: this.folders.refused };
  }

  /** Resolves once no file waits and no scan runs (tests, and a clean stop). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** One change at a time, each reading the state when it runs. */
  private rewatch(): Promise<void> {
    const run = this.changing.then(() => this.rewatchNow());
    this.changing = run.catch((err: unknown) => this.options.log.error('changing the watched folders failed', { error: errorText(err) }));
    return run;
  }

  private async rewatchNow(): Promise<void> {
    const wanted = this.running && this.policy ? this.policy.watchedPaths : [];
    const key = JSON.stringify(wanted);
    if (key === this.watchedKey) return;
    await this.watcher?.close();
    this.watcher = null;
    this.queue.clear();
    this.watchedKey = key;
    this.folders = await resolveFolders(parseWatchedPaths(wanted));
    for (const refused of this.folders.refused) this.options.notice({ severity: 'medium', message: `watched folder refused: ${refused.reason}`, details: { pattern: refused.pattern } });
    const bases = watchBases(this.folders.folders);
    if (bases.length === 0) return;
    this.watcher = this.createWatcher(bases);
    await this.ready(this.watcher);
    this.options.log.info('watching folders for customer data', { folders: bases });
  }

  private createWatcher(bases: string[]): FSWatcher {
    const folders = this.folders.folders;
    const watcher = watch(bases, {
      ignoreInitial: true,
      followSymlinks: false,
      ignorePermissionErrors: true,
      awaitWriteFinish: { stabilityThreshold: this.tuning.stabilityMs, pollInterval: this.tuning.pollMs },
      ignored: (p: string, stats?: Stats) => this.ignored(folders, p, stats),
    });
    const queue = (file: string): void => {
      if (watcher === this.watcher) this.queue.add(path.resolve(file));
    };
    watcher.on('add', queue).on('change', queue);
    watcher.on('error', (err) => this.options.log.warn('watching a folder failed', { error: errorText(err) }));
    return watcher;
  }

  private ignored(folders: readonly WatchedFolder[], p: string, stats?: Stats): boolean {
    const full = path.resolve(p);
    if (this.options.excluded.some((dir) => isWithin(full, dir))) return true;
    const place = placeOf(folders, full);
    return place === 'outside' || (place === 'on-the-way' && stats !== undefined && !stats.isDirectory());
  }

  private async ready(watcher: FSWatcher): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.tuning.readyTimeoutMs)));
    await Promise.race([new Promise<void>((resolve) => watcher.once('ready', () => resolve())), timedOut]);
    clearTimeout(timer);
  }

  private isWatched(realPath: string): boolean {
    if (!this.watcher || !this.policy) return false;
    if (this.options.excluded.some((dir) => isWithin(realPath, dir))) return false;
    return placeOf(this.folders.folders, realPath) === 'inside';
  }

  private async scan(file: string): Promise<void> {
    const policy = this.policy;
    if (!policy || !this.isWatched(file)) return;
    try {
      const result = await scanWatchedFile(file, {
        settings: policy.settings,
        limits: this.tuning.limits,
        maxHashBytes: this.tuning.maxHashBytes,
        quarantine: this.quarantine,
        stillWatched: (real) => this.isWatched(real),
        unchanged: (key) => this.remembered.get(file)?.key === key,
        active: () => this.running,
      });
      if (result.kind === 'skipped') return;
      const before = this.remembered.get(file);
      this.remember(file, { key: result.key, ...(result.kind === 'finding' && result.finding.sha256 ? { reported: result.finding.sha256 } : {}) });
      if (result.kind !== 'finding' || !this.running) return;
      // The same content at the same path again (touched, saved unchanged): reported once is enough.
      if (result.finding.outcome === 'reported' && result.finding.sha256 && before?.reported === result.finding.sha256) return;
      this.options.report(result.finding);
    } catch (err) {
      // Opening failed (removed meanwhile, permissions): nothing to judge; the agent goes on.
      this.options.log.warn('could not scan a file in a watched folder', { path: file, error: errorText(err) });
    }
  }

  private remember(file: string, entry: { key: string; reported?: string }): void {
    this.remembered.delete(file);
    this.remembered.set(file, entry);
    if (this.remembered.size > this.tuning.maxRemembered) {
      const oldest = this.remembered.keys().next();
      if (!oldest.done) this.remembered.delete(oldest.value);
    }
  }
}

/** Bases through their real paths (a base that is a symlink is watched where it leads); missing ones stay as written. */
async function resolveFolders(parsed: WatchedFolders): Promise<WatchedFolders> {
  const folders = await Promise.all(parsed.folders.map(async (folder) => ({ ...folder, base: await realpath(folder.base).catch(() => folder.base) })));
  return { folders, refused: parsed.refused };
}
