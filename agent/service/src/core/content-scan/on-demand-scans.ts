/**
 * On-demand scans of data at rest (issue 16 item 3): `dlp-agent scan PATH` from any local user and
 * scans the console asks for. Each runs in a worker process with the asker's rights (root for root
 * and for the console); at most one per user (and one for the console) and a few in all at once.
 * Files over the policy's threshold become `content` events as they are found.
 */
import path from 'node:path';
import type { ScanCriteria, ScannedFile, ScanProgress, ScanRefusal } from '@dlp/shared';
import type { EventSink } from '../controls/agent-control';
import type { Logger } from '../logger';
import type { RunAs } from './privilege-drop';
import { scanEventOf } from './scan-event';
import { DEFAULT_CONTENT_SCAN_TUNING, type ContentScanTuning } from './scan-tuning';
import { noneSkipped } from './tree-walk';
import { defaultScanWorkerCommand, runScanWorkerProcess, type ScanWorkerCommand } from './scan-worker-process';
import type { ScanJob } from './scan-worker-protocol';

/** Who asks: `key` allows one running scan (`uid:1000`, `console`); `runAs` null reads as root. */
export interface ScanRequester {
  key: string;
  runAs: RunAs | null;
  /** For the log: a user name, `root`, or the console user who asked. */
  who: string;
}

export interface ScanListener {
  progress(progress: ScanProgress): void;
  file(file: ScannedFile): void;
}

export interface ScanOutcome {
  outcome: 'completed' | 'refused' | 'failed' | 'cancelled';
  refusal?: ScanRefusal;
  /** English: why it was refused or failed, or what it found. */
  message: string;
  progress: ScanProgress;
  criteria: ScanCriteria;
}

export interface OnDemandScansDeps {
  /** The policy's detectors and threshold when a scan starts. */
  criteria(): ScanCriteria;
  record: EventSink;
  /** Never scanned (the quarantine is in it). */
  dataDir: string;
  log: Logger;
  worker?: ScanWorkerCommand;
  tuning?: Partial<ContentScanTuning>;
}

/** Kernel filesystems: their files are not data at rest, and some never end (/dev/zero). */
const KERNEL_FILESYSTEMS = ['/proc', '/sys', '/dev'];

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function emptyProgress(): ScanProgress {
  return { phase: 'counting', filesFound: 0, filesDone: 0, bytesFound: 0, bytesDone: 0, filesFlagged: 0, filesBelowThreshold: 0, filesUnreadable: 0, skipped: noneSkipped(), fileLimitReached: false };
}

export class OnDemandScans {
  readonly tuning: ContentScanTuning;
  private readonly running = new Map<string, { abort: AbortController; done: Promise<unknown> }>();
  private stopped = false;

  constructor(private readonly deps: OnDemandScansDeps) {
    this.tuning = { ...DEFAULT_CONTENT_SCAN_TUNING, ...deps.tuning };
  }

  /** Scans running now. */
  count(): number {
    return this.running.size;
  }

  /**
   * Starts a scan of `target` unless this requester already runs one, or the agent runs as many as
   * it allows ('busy'). Aborting `signal` cancels it. Resolves once the worker has ended.
   */
  start(target: string, requester: ScanRequester, listener: ScanListener, signal: AbortSignal, maxFiles?: number): Promise<ScanOutcome> | 'busy' {
    if (this.stopped || this.running.has(requester.key) || this.running.size >= this.tuning.maxConcurrent) return 'busy';
    const abort = new AbortController();
    const onAbort = (): void => abort.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) abort.abort();
    const done = this.run(target, requester, listener, abort.signal, maxFiles).finally(() => {
      signal.removeEventListener('abort', onAbort);
      this.running.delete(requester.key);
    });
    this.running.set(requester.key, { abort, done });
    return done;
  }

  /** Cancels every scan and waits for the workers to end (agent stop). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const { abort } of this.running.values()) abort.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  private async run(target: string, requester: ScanRequester, listener: ScanListener, signal: AbortSignal, maxFiles?: number): Promise<ScanOutcome> {
    const criteria = this.deps.criteria();
    const { tuning } = this;
    const job: ScanJob = {
      path: path.resolve(target),
      runAs: requester.runAs,
      detectors: criteria.detectors,
      minDistinct: criteria.minDistinct,
      maxFiles: Math.min(maxFiles ?? tuning.maxFiles, tuning.maxFiles),
      limits: tuning.limits,
      maxHashBytes: tuning.maxHashBytes,
      excluded: [path.resolve(this.deps.dataDir), ...KERNEL_FILESYSTEMS],
      progressEveryMs: tuning.progressEveryMs,
    };
    let progress = emptyProgress();
    let refused: { refusal: ScanRefusal; message: string } | null = null;
    this.deps.log.info('on-demand scan started', { who: requester.who, path: job.path, asRoot: requester.runAs === null });
    const end = await runScanWorkerProcess(this.deps.worker ?? defaultScanWorkerCommand(tuning.workerHeapMiB), job, {
      signal,
      stallMs: (tuning.limits.maxTimeMs ?? 60_000) + tuning.stallGraceMs,
      line: (line) => {
        switch (line.kind) {
          case 'progress':
          case 'done':
            progress = line.progress;
            listener.progress(progress);
            return;
          case 'file':
            // The event first: the officer hears of bulk data even if the asker goes away now.
            if (line.file.verdict === 'bulk') this.deps.record(scanEventOf(line.file, line.ownerUid, criteria));
            listener.file(line.file);
            return;
          case 'refused':
            refused = { refusal: line.refusal, message: line.message };
            return;
          case 'failed':
            return;
        }
      },
    }).catch((err: unknown) => ({ kind: 'failed' as const, message: errorText(err) }));
    const outcome = this.outcomeOf(end, refused, progress, criteria);
    this.deps.log.info('on-demand scan ended', { who: requester.who, path: job.path, outcome: outcome.outcome, files: progress.filesDone, flagged: progress.filesFlagged, ...(outcome.outcome === 'completed' ? {} : { reason: outcome.message }) });
    return outcome;
  }

  private outcomeOf(end: Awaited<ReturnType<typeof runScanWorkerProcess>>, refused: { refusal: ScanRefusal; message: string } | null, progress: ScanProgress, criteria: ScanCriteria): ScanOutcome {
    if (end.kind === 'cancelled') return { outcome: 'cancelled', message: 'the scan was cancelled', progress, criteria };
    if (end.kind === 'failed') return { outcome: 'failed', message: end.message.slice(0, 2000), progress, criteria };
    if (refused) return { outcome: 'refused', ...refused, progress, criteria };
    const message = `${progress.filesDone} file(s) scanned, ${progress.filesFlagged} with bulk customer data`;
    return { outcome: 'completed', message, progress, criteria };
  }
}
