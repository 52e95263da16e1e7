/**
 * The look at what is already in the watched folders when watching starts (agent start, a policy
 * that adds a folder or changes the criteria): the watcher only sees what changes from then on, so
 * a file put there while the agent was stopped would otherwise never be scanned. The walk compares
 * each file with its scan record (a stat, no read) and hands only new or changed files to the
 * channel's scan queue, waiting for room there, so a folder of 100,000 files neither floods the
 * queue nor drops any. It forgets records of files and folders that are gone.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { WatchedPlace } from './watched-paths';
import { scanVersionOf, type WatchedScanRecords } from './watched-scan-records';

/** How far the look has come: the channel's status and the capability report show it. */
export interface PresentFilesProgress {
  /** `walking`: still listing folders; `scanning`: listed, queued files not all scanned yet. */
  state: 'walking' | 'scanning' | 'done' | 'stopped';
  foldersVisited: number;
  /** Regular files found inside watched folders. */
  filesFound: number;
  /** Of those, unchanged since they were last judged under the same criteria: not scanned again. */
  filesUnchanged: number;
  filesQueued: number;
  /** Of the queued files, those whose scan has ended. */
  filesScanned: number;
  startedAt: string;
  finishedAt?: string;
}

export interface PresentFilesPassDeps {
  bases: readonly string[];
  /** Where a path is for the channel (the agent's own data dir is `outside`). */
  placeOf: (p: string) => WatchedPlace;
  records: WatchedScanRecords;
  /** criteriaOf the policy in force: a file judged under others is scanned again. */
  criteria: string;
  queue: { add(path: string): boolean; waitForRoom(limit: number): Promise<void> };
  /** The walk adds while fewer than this wait in the queue (the rest is room for live changes). */
  roomLimit: number;
  /** Called at each state, and as the counts move on at most every PROGRESS_EVERY_MS (each call may send a capability report). */
  progressed: (progress: Readonly<PresentFilesProgress>) => void;
}

const PROGRESS_EVERY_MS = 5000;

export class PresentFilesPass {
  readonly progress: PresentFilesProgress;
  /** Queued by this pass and not scanned yet (at most roomLimit plus the scans running). */
  private readonly outstanding = new Set<string>();
  private walked = false;
  private lastProgressAt = 0;
  /** Resolves when stop() is called: a walk waiting for room in the queue ends at once. */
  private readonly stopSignal: Promise<void>;
  private signalStop: () => void = () => undefined;

  constructor(private readonly deps: PresentFilesPassDeps) {
    this.stopSignal = new Promise((resolve) => (this.signalStop = resolve));
    this.progress = { state: 'walking', foldersVisited: 0, filesFound: 0, filesUnchanged: 0, filesQueued: 0, filesScanned: 0, startedAt: new Date().toISOString() };
  }

  /** Walks every base; resolves when the walk ends (the queued scans may still run). */
  async run(): Promise<void> {
    const visited = new Set<string>();
    const stack = [...this.deps.bases];
    this.deps.progressed(this.progress);
    for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
      if (this.cancelled()) return this.stopped();
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => null);
      if (!entries) continue; // gone meanwhile, or not readable: the watcher reports what it can
      visited.add(dir);
      this.progress.foldersVisited++;
      const files = this.sortEntries(dir, entries, stack);
      await this.checkFolder(dir, files);
    }
    if (this.cancelled()) return this.stopped();
    // Only a complete walk knows which folders are gone or no longer watched.
    await this.deps.records.keepOnlyFolders(visited);
    this.walked = true;
    this.progress.state = 'scanning';
    this.settleIfDone();
  }

  /** The channel calls this when a scan of `file` ended (whoever queued it). */
  scanEnded(file: string): void {
    if (!this.outstanding.delete(file)) return;
    this.progress.filesScanned++;
    this.countsMoved();
    this.settleIfDone();
  }

  /** The watching this pass belongs to ended (stop, other folders or criteria). */
  stop(): void {
    if (this.progress.state !== 'done') this.stopped();
  }

  private countsMoved(): void {
    const now = Date.now();
    if (now - this.lastProgressAt < PROGRESS_EVERY_MS) return;
    this.lastProgressAt = now;
    this.deps.progressed(this.progress);
  }

  private cancelled(): boolean {
    return this.progress.state === 'stopped';
  }

  private stopped(): void {
    if (this.progress.state === 'stopped') return;
    this.progress.state = 'stopped';
    this.progress.finishedAt = new Date().toISOString();
    this.outstanding.clear();
    this.signalStop();
    this.deps.progressed(this.progress);
  }

  private settleIfDone(): void {
    if (!this.walked || this.outstanding.size > 0 || this.progress.state !== 'scanning') return;
    this.progress.state = 'done';
    this.progress.finishedAt = new Date().toISOString();
    this.deps.progressed(this.progress);
  }

  /** Pushes folders to descend into; returns the names of files inside a watched folder. */
  private sortEntries(dir: string, entries: Dirent[], stack: string[]): string[] {
    const files: string[] = [];
    for (const entry of entries) {
      // Dirent types come from the directory itself: a symbolic link is neither a folder nor a file here.
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (this.deps.placeOf(full) !== 'outside') stack.push(full);
      } else if (entry.isFile() && this.deps.placeOf(full) === 'inside') {
        files.push(entry.name);
      }
    }
    return files;
  }

  private async checkFolder(dir: string, names: readonly string[]): Promise<void> {
    const { records, criteria, queue } = this.deps;
    const known = await records.folder(dir);
    const present = new Set(names);
    await records.forgetNames(
      dir,
      [...known.keys()].filter((name) => !present.has(name)),
    );
    for (const name of names) {
      if (this.cancelled()) return;
      const file = path.join(dir, name);
      const stats = await lstat(file, { bigint: true }).catch(() => null);
      if (!stats?.isFile()) continue;
      this.progress.filesFound++;
      this.countsMoved();
      const record = known.get(name);
      if (record && record.version === scanVersionOf(stats) && record.criteria === criteria) {
        this.progress.filesUnchanged++;
        continue;
      }
      await Promise.race([queue.waitForRoom(this.deps.roomLimit), this.stopSignal]);
      if (this.cancelled()) return;
      this.outstanding.add(file);
      if (queue.add(file)) this.progress.filesQueued++;
      else this.outstanding.delete(file);
    }
  }
}
