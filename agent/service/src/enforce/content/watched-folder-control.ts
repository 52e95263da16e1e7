/**
 * The watched-folder channel (issue 16 item 3): the folders in the policy's `content.watchedPaths`
 * are watched recursively (chokidar); a file added or changed there is scanned once it has stopped
 * growing, and reported (or quarantined) when it holds bulk customer data or cannot be read.
 * Files already there when watching starts (agent start, a policy adding a folder or changing the
 * criteria) are looked at too (present-files-pass.ts); what was judged is kept in the agent's
 * database (watched-scan-records.ts), so a restart scans only what changed meanwhile.
 */
import type { Stats } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { ExtractionLimits } from '@dlp/shared/node';
import type { Logger } from '../logger';
import type { ContentSettings } from './content-verdict';
import { FileQuarantine } from './file-quarantine';
import { PresentFilesPass, type PresentFilesProgress } from './present-files-pass';
import { ScanQueue } from './scan-queue';
import { scanWatchedFile, type ContentFinding } from './watched-file-scan';
import { isWithin, parseWatchedPaths, placeOf, watchBases, type WatchedFolder, type WatchedFolders, type WatchedPlace } from './watched-paths';
import { criteriaOf, unsettledVersion, versionToKeep, type ScanRecord, type WatchedScanRecords } from './watched-scan-records';

export interface WatchedFolderTuning {
  /** A file must keep its size this long before it is scanned (half-written files are not). */
  stabilityMs: number;
  pollMs: number;
  maxPending: number;
  concurrency: number;
  /** Tighter than extraction's defaults: a watched folder sees every file, not one the user chose to scan. */
  limits: Partial<ExtractionLimits>;
  maxHashBytes: number;
  /** A file changed less than this before its scan is scanned again at the next look (versionToKeep). */
  ctimeMarginMs: number;
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
  ctimeMarginMs: 2000,
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
  /** What was judged, in the agent's database. */
  records: WatchedScanRecords;
  /** Resolves once the finding is kept (the outbox): only then is the file recorded as judged. */
  report: (finding: ContentFinding) => void | Promise<void>;
  notice: (notice: WatchedFolderNotice) => void;
  /** The look at the files already present moved on (the capability report shows it). */
  progressed?: () => void;
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
  private readonly records: WatchedScanRecords;
  private policy: WatchedFolderPolicy | null = null;
  private folders: WatchedFolders = { folders: [], refused: [] };
  private watcher: FSWatcher | null = null;
  private watchedKey = '[]';
  /** criteriaOf the settings the last look at present files used ('' while nothing is watched). */
  private passCriteria = '';
  private running = false;
  private pass: PresentFilesPass | null = null;
  private passWalk: Promise<void> = Promise.resolve();
  private changing: Promise<void> = Promise.resolve();

  constructor(private readonly options: WatchedFolderControlOptions) {
    this.tuning = { ...DEFAULT_WATCHED_FOLDER_TUNING, ...options.tuning };
    this.quarantine = new FileQuarantine(options.quarantineDir);
    this.records = options.records;
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

  /** Starts watching; the look at the files already there runs on in the background. */
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
    // Records still waiting for their batch, before the service closes the database.
    await this.records.flush().catch((err: unknown) => this.options.log.warn('could not keep watched-folder scan records', { error: errorText(err) }));
  }

  /** The folders watched now, the policy entries refused, the look at present files and the queue. */
  status(): { watching: string[]; refused: WatchedFolders['refused']; presentFiles: PresentFilesProgress | null; queue: { waiting: number; running: number } } {
    return {
      watching: this.watcher ? watchBases(this.folders.folders) : [],
      refused: this.folders.refused,
      presentFiles: this.pass ? { ...this.pass.progress } : null,
      queue: { waiting: this.queue.size, running: this.queue.active },
    };
  }

  /** Resolves once the look at present files has walked everything, no file waits or is scanned, and every record is written. */
  async idle(): Promise<void> {
    await this.changing;
    await this.passWalk;
    await this.queue.idle();
    await this.records.flush();
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
    if (key === this.watchedKey) {
      // Same folders, other criteria (detectors, threshold, mode, action): judge what is there again.
      if (this.watcher && this.policy && criteriaOf(this.policy.settings) !== this.passCriteria) await this.lookAtPresentFiles();
      return;
    }
    await this.endPass();
    this.pass = null;
    await this.watcher?.close();
    this.watcher = null;
    this.queue.clear();
    this.watchedKey = key;
    this.passCriteria = '';
    this.folders = await resolveFolders(parseWatchedPaths(wanted));
    for (const refused of this.folders.refused) this.options.notice({ severity: 'medium', message: `watched folder refused: ${refused.reason}`, details: { pattern: refused.pattern } });
    const bases = watchBases(this.folders.folders);
    if (bases.length === 0) return;
    this.watcher = this.createWatcher(bases);
    await this.ready(this.watcher);
    this.options.log.info('watching folders for customer data', { folders: bases });
    // After `ready`: a file added from here on is the watcher's, one already there is the walk's.
    await this.lookAtPresentFiles();
  }

  /** Starts a walk of the watched folders (ending the previous one); does not wait for it. */
  private async lookAtPresentFiles(): Promise<void> {
    await this.endPass();
    const policy = this.policy;
    if (!policy) return;
    const criteria = criteriaOf(policy.settings);
    this.passCriteria = criteria;
    const pass = new PresentFilesPass({
      bases: watchBases(this.folders.folders),
      placeOf: (p) => this.placeOf(p),
      records: this.records,
      criteria,
      queue: this.queue,
      // Half the queue: the other half stays for files the watcher reports meanwhile.
      roomLimit: Math.max(1, Math.floor(this.tuning.maxPending / 2)),
      progressed: (progress) => this.passProgressed(progress),
    });
    this.pass = pass;
    this.passWalk = pass.run().catch((err: unknown) => {
      this.options.log.error('looking at the files already in the watched folders failed', { error: errorText(err) });
      pass.stop();
    });
  }

  private async endPass(): Promise<void> {
    this.pass?.stop();
    await this.passWalk;
  }

  private passProgressed(progress: Readonly<PresentFilesProgress>): void {
    if (progress.state === 'done' || progress.state === 'stopped') {
      const { state, foldersVisited, filesFound, filesUnchanged, filesQueued, filesScanned, startedAt, finishedAt } = progress;
      this.options.log.info('looked at the files already in the watched folders', { state, foldersVisited, filesFound, filesUnchanged, filesQueued, filesScanned, startedAt, finishedAt });
    }
    this.options.progressed?.();
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
    // A record of a file that is gone only takes room (the walk at the next start forgets it too).
    watcher.on('unlink', (file: string) => {
      if (watcher === this.watcher && this.running) this.records.forget(path.resolve(file)).catch((err: unknown) => this.options.log.warn('could not forget a removed file', { error: errorText(err) }));
    });
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

  /** Where a path is for this channel: the agent's own data dir is never inside. */
  private placeOf(p: string): WatchedPlace {
    if (this.options.excluded.some((dir) => isWithin(p, dir))) return 'outside';
    return placeOf(this.folders.folders, p);
  }

  private isWatched(realPath: string): boolean {
    return this.watcher !== null && this.policy !== null && this.placeOf(realPath) === 'inside';
  }

  private async scan(file: string): Promise<void> {
    try {
      await this.scanAndRecord(file);
    } catch (err) {
      // Opening failed (removed meanwhile, permissions): nothing to judge; the agent goes on.
      this.options.log.warn('could not scan a file in a watched folder', { path: file, error: errorText(err) });
    } finally {
      this.pass?.scanEnded(file);
    }
  }

  private async scanAndRecord(file: string): Promise<void> {
    const policy = this.policy;
    if (!policy || !this.isWatched(file)) return;
    const criteria = criteriaOf(policy.settings);
    const startedMs = Date.now();
    let before: ScanRecord | undefined;
    const result = await scanWatchedFile(file, {
      settings: policy.settings,
      limits: this.tuning.limits,
      maxHashBytes: this.tuning.maxHashBytes,
      quarantine: this.quarantine,
      stillWatched: (real) => this.isWatched(real),
      unchanged: async (version) => {
        before = await this.records.get(file);
        return before?.version === version && before.criteria === criteria;
      },
      active: () => this.running,
    });
    if (result.kind === 'skipped') {
      if (result.reason === 'gone' && this.running) await this.records.forget(file);
      return;
    }
    // Stopping: neither reported nor recorded, so the next start scans it again.
    if (!this.running) return;
    const version = versionToKeep(result.version.key, result.version.ctimeNs, startedMs, this.tuning.ctimeMarginMs);
    if (result.kind === 'clean') return this.records.put(file, { version, criteria });
    const { finding } = result;
    // The same content at the same path again (touched, saved unchanged): reported once is enough.
    const repeated = finding.outcome === 'reported' && finding.sha256 !== undefined && before?.reported === finding.sha256 && before.criteria === criteria;
    if (!repeated) await this.options.report(finding);
    if (finding.outcome === 'quarantined') return this.records.forget(file);
    // A move that failed is tried again at the next look (and reported again then).
    const kept = finding.outcome === 'quarantine-failed' ? unsettledVersion(result.version.key) : version;
    await this.records.put(file, { version: kept, criteria, ...(finding.sha256 ? { reported: finding.sha256 } : {}) });
  }
}

/** Bases through their real paths (a base that is a symlink is watched where it leads); missing ones stay as written. */
async function resolveFolders(parsed: WatchedFolders): Promise<WatchedFolders> {
  const folders = await Promise.all(parsed.folders.map(async (folder) => ({ ...folder, base: await realpath(folder.base).catch(() => folder.base) })));
  return { folders, refused: parsed.refused };
}
