/**
 * The removable-media channel of content inspection (issue 16 item 3): every writable mount on a
 * USB block device is watched while the policy's `content.removableMedia` is on; each file written
 * there is scanned once it is closed, in a bounded queue, and reported, moved into the agent's
 * quarantine or deleted from the media by the policy's action. Files already on a stick when it is
 * mounted are data at rest (`dlp-agent scan`), not writes.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ExtractionLimits } from '@dlp/shared/node';
import { DEFAULT_WATCHED_FOLDER_TUNING } from '../../enforce/content/watched-folder-control';
import { FileQuarantine } from '../../enforce/content/file-quarantine';
import { ScanQueue } from '../../enforce/content/scan-queue';
import type { UsbPlatform, WatchHandle } from '../../enforce/usb/usb-platform';
import type { EventInput } from '../event-factory';
import type { Logger } from '../logger';
import type { VerifiedPolicy } from '../policy-store';
import type { AgentControl, EventSink } from '../controls/agent-control';
import { InotifyClosedFileSource, type ClosedFileSource, type ClosedFileWatch } from './closed-file-watcher';
import { listRemovableMounts } from './removable-mounts';
import { removableEventOf } from './removable-event';
import { scanRemovableFile, type RemovableFinding } from './removable-file-scan';
import { removablePolicyOf, type RemovablePolicy } from './removable-policy';
import { ControlTimers } from '../../enforce/control-timers';

export interface RemovableScanTuning {
  /** A file counts as closed once its size held this long (inotify source). */
  settleMs: number;
  pollMs: number;
  readyTimeoutMs: number;
  /** Safety-net re-read of the mount table, besides its change notifications. */
  mountRescanMs: number;
  maxPending: number;
  /** Per file: the watched folders' limits (100 MiB read, 60 s). */
  limits: Partial<ExtractionLimits>;
  maxHashBytes: number;
  /** A file that changed while it was read is scanned again this many times, this long apart, then reported as changing. */
  maxRescans: number;
  rescanDelayMs: number;
  maxRemembered: number;
  /** How long stop() waits for a running scan. */
  stopWaitMs: number;
}

export const DEFAULT_REMOVABLE_SCAN_TUNING: RemovableScanTuning = {
  settleMs: 1000,
  pollMs: 100,
  readyTimeoutMs: 10_000,
  mountRescanMs: 5000,
  maxPending: 1000,
  limits: DEFAULT_WATCHED_FOLDER_TUNING.limits,
  maxHashBytes: DEFAULT_WATCHED_FOLDER_TUNING.maxHashBytes,
  maxRescans: 3,
  rescanDelayMs: 1000,
  maxRemembered: 10_000,
  stopWaitMs: 2000,
};

export interface RemovableScanControlOptions {
  usb: Pick<UsbPlatform, 'listUsbBlockDevices' | 'readMounts' | 'watchMounts' | 'usbAvailable'>;
  dataDir: string;
  record: EventSink;
  log: Logger;
  /** Where closed files come from; default inotify through chokidar (closed-file-watcher.ts). */
  source?: ClosedFileSource;
  /** Called when the watched mounts change (the capability report names them). */
  capabilitiesChanged?: () => void;
  tuning?: Partial<RemovableScanTuning>;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const within = (file: string, dir: string): boolean => file.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

export class RemovableScanControl implements AgentControl {
  readonly name = 'removable-content';
  private readonly tuning: RemovableScanTuning;
  private readonly source: ClosedFileSource;
  private readonly quarantine: FileQuarantine;
  private readonly queue: ScanQueue;
  private readonly excluded: string;
  private policy: RemovablePolicy | null = null;
  private running = false;
  private readonly watches = new Map<string, ClosedFileWatch>();
  /** The file system (st_dev) behind each watched mount point: a scanned file must be on one of them. */
  private readonly devices = new Map<string, number>();
  private mountWatch: WatchHandle | null = null;
  private readonly timers = new ControlTimers(() => this.running);
  private changing: Promise<void> = Promise.resolve();
  private queuedRefresh: Promise<void> | null = null;
  /** path → rescans so far of a file that keeps changing while it is read. */
  private readonly rescans = new Map<string, number>();
  /** path → the version (versionKeyOf) last judged, so a repeated notification is not scanned again. */
  private readonly judged = new Map<string, string>();

  constructor(private readonly options: RemovableScanControlOptions) {
    this.tuning = { ...DEFAULT_REMOVABLE_SCAN_TUNING, ...options.tuning };
    this.excluded = path.resolve(options.dataDir);
    this.source = options.source ?? new InotifyClosedFileSource({ settleMs: this.tuning.settleMs, pollMs: this.tuning.pollMs, readyTimeoutMs: this.tuning.readyTimeoutMs, excluded: [this.excluded] });
    this.quarantine = new FileQuarantine(path.join(options.dataDir, 'quarantine'));
    this.queue = new ScanQueue({
      maxPending: this.tuning.maxPending,
      concurrency: 1,
      run: (file) => this.scan(file),
      overflowed: (dropped) => options.record(queueFullEvent(dropped)),
    });
  }

  applyPolicy(policy: VerifiedPolicy | null): Promise<void> {
    this.policy = removablePolicyOf(policy);
    if (!this.policy) this.queue.clear();
    return this.refresh();
  }

  /** Exceptions are for programs and devices; none relaxes content inspection yet. */
  async applyExceptions(): Promise<void> {}

  async start(): Promise<void> {
    this.running = true;
    if (await this.options.usb.usbAvailable().catch(() => false)) {
      this.mountWatch = await this.options.usb.watchMounts(() => void this.refresh()).catch((err: unknown) => {
        this.options.log.warn('removable media: cannot follow the mount table; it is re-read periodically', { error: errorText(err) });
        return null;
      });
    }
    this.timers.every(this.tuning.mountRescanMs, () => this.refresh());
    await this.refresh();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.timers.clear();
    await this.mountWatch?.stop().catch(() => undefined);
    this.mountWatch = null;
    this.queue.clear();
    await this.refresh();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.queue.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, this.tuning.stopWaitMs)))]);
    clearTimeout(timer);
  }

  /** Mount points watched now. */
  watchedMounts(): string[] {
    return [...this.watches.keys()];
  }

  /** For the capability report: how writes are seen, on how many mounts (said as it is). */
  capabilityNotes(): string[] {
    if (!this.policy || !this.running) return [];
    const how = this.source.method === 'fanotify' ? 'fanotify close-write' : `inotify (chokidar, ${this.tuning.settleMs} ms settle; no close-write helper here)`;
    return [`content: removable media scanned when written, via ${how}; ${this.watches.size} writable USB mount(s) watched`.slice(0, 200)];
  }

  /** Resolves once no file waits and no scan runs (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Re-reads the mount table; calls made while one waits share it, one change at a time. */
  private refresh(): Promise<void> {
    if (this.queuedRefresh) return this.queuedRefresh;
    const run = this.changing.then(() => {
      this.queuedRefresh = null;
      return this.refreshNow();
    });
    this.queuedRefresh = run;
    this.changing = run.catch((err: unknown) => this.options.log.error('removable media: changing the watched mounts failed', { error: errorText(err) }));
    return this.changing;
  }

  private async refreshNow(): Promise<void> {
    let wanted: string[];
    try {
      wanted = this.running && this.policy ? (await listRemovableMounts(this.options.usb)).map((m) => m.target) : [];
    } catch (err) {
      // The table could not be read this time: keep what is watched, the next pass tries again.
      this.options.log.warn('removable media: cannot read the mount table', { error: errorText(err) });
      return;
    }
    const before = this.watches.size;
    let changed = false;
    for (const [target, watch] of this.watches) {
      if (wanted.includes(target)) continue;
      this.watches.delete(target);
      this.devices.delete(target);
      await watch.close().catch(() => undefined);
      this.options.log.info('removable media: stopped watching a mount', { mountPoint: target });
      changed = true;
    }
    for (const target of wanted) {
      if (this.watches.has(target)) continue;
      const device = await stat(target).catch(() => null);
      if (!device) continue; // unmounted meanwhile: the next pass sees the table without it
      this.devices.set(target, device.dev);
      const watch = await this.source.watchMount(
        target,
        (file) => this.closed(target, file),
        (message) => this.options.log.warn('removable media: watching a mount failed', { mountPoint: target, error: message }),
      );
      this.watches.set(target, watch);
      this.options.log.info('removable media: scanning files written to a mount', { mountPoint: target, method: this.source.method });
      changed = true;
    }
    if (changed || before !== this.watches.size) this.options.capabilitiesChanged?.();
  }

  /**
   * A file closed after writing on a watched stick's file system. The path may lie outside the mount
   * point: the close-write mark is on the file system, so a write through a bind mount of the stick
   * is reported under the bind mount's path. Scanning checks the opened file's st_dev, not the path.
   */
  private closed(mount: string, file: string): void {
    if (!this.policy || !this.watches.has(mount) || within(file, this.excluded)) return;
    this.queue.add(file);
  }

  private onWatchedMedia(dev: number): boolean {
    for (const watched of this.devices.values()) if (watched === dev) return true;
    return false;
  }

  private async scan(file: string): Promise<void> {
    const policy = this.policy;
    if (!policy || !this.running || this.devices.size === 0 || within(file, this.excluded)) return;
    try {
      const result = await scanRemovableFile(file, {
        policy,
        limits: this.tuning.limits,
        maxHashBytes: this.tuning.maxHashBytes,
        quarantine: this.quarantine,
        alreadyJudged: (key) => this.judged.get(file) === key,
        // Stopping, or the policy turned the channel off meanwhile: nothing more is moved or deleted.
        active: () => this.running && this.policy !== null,
        onRemovableMedia: (dev) => this.onWatchedMedia(dev),
      });
      if (result.kind === 'skipped') return;
      if (result.kind === 'changed') {
        const tries = (this.rescans.get(file) ?? 0) + 1;
        if (tries <= this.tuning.maxRescans) {
          this.rescans.set(file, tries);
          this.timers.after(this.tuning.rescanDelayMs, () => this.queue.add(file));
          return;
        }
        // Still changing after every retry (a file kept open and written): say so, once, and wait for it to settle.
        this.rescans.delete(file);
        this.remember(file, result.key);
        this.report(result.finding);
        return;
      }
      this.rescans.delete(file);
      this.remember(file, result.key);
      if (result.kind === 'finding' && this.running) this.report(result.finding);
    } catch (err) {
      // Removed meanwhile, an I/O error of a pulled stick: nothing to judge; the agent goes on.
      this.options.log.warn('removable media: could not scan a file', { path: file, error: errorText(err) });
    }
  }

  private report(finding: RemovableFinding): void {
    if (finding.error) this.options.log.error('removable media: could not act on a file with customer data', { path: finding.path, outcome: finding.outcome, error: finding.error });
    this.options.record(removableEventOf(finding));
  }

  private remember(file: string, key: string): void {
    this.judged.delete(file);
    this.judged.set(file, key);
    if (this.judged.size > this.tuning.maxRemembered) {
      const oldest = this.judged.keys().next();
      if (!oldest.done) this.judged.delete(oldest.value);
    }
  }
}

function queueFullEvent(dropped: number): EventInput {
  return { type: 'agent', action: 'info', severity: 'medium', subject: { kind: 'agent', message: 'removable media scan queue full: files written to removable media were not scanned', details: { dropped } } };
}
