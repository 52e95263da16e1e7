/**
 * Scans the console asks for (`scan-request`): run as root with the same limits as any other
 * on-demand scan, one at a time. The agent tells the console when the scan starts, every few
 * seconds while it runs, and when it ends; the last word is said again at each reconnection for an
 * hour, so a console that was away when the scan ended still hears how it ended.
 */
import type { ScanProgress, ScanRequestMessage, ScanStatusMessage } from '@dlp/shared';
import type { Logger } from '../logger';
import type { OnDemandScans, ScanOutcome } from './on-demand-scans';
import { noneSkipped } from './tree-walk';

export type ScanStatus = Omit<ScanStatusMessage, 'v' | 'type'>;

export interface ConsoleScansDeps {
  scans: Pick<OnDemandScans, 'start' | 'tuning'>;
  /** Sends on the console link; false when the console is not reachable now. */
  send(status: ScanStatus): boolean;
  log: Logger;
  now?: () => number;
}

/** How long an ended scan's status is repeated at reconnections. */
const REPEAT_FINAL_MS = 3_600_000;
const KEEP_FINAL = 10;

const NOTHING_YET: ScanProgress = { phase: 'counting', filesFound: 0, filesDone: 0, bytesFound: 0, bytesDone: 0, filesFlagged: 0, filesBelowThreshold: 0, filesUnreadable: 0, skipped: noneSkipped(), fileLimitReached: false };

function finalState(outcome: ScanOutcome): { state: ScanStatus['state']; error?: string } {
  switch (outcome.outcome) {
    case 'completed':
      return { state: 'done' };
    case 'refused':
      return { state: 'refused', error: outcome.message };
    case 'failed':
      return { state: 'failed', error: outcome.message };
    case 'cancelled':
      return { state: 'failed', error: 'the agent stopped before the scan finished' };
  }
}

export class ConsoleScans {
  private readonly stopping = new AbortController();
  /** Ended scans, newest last, with when they ended. */
  private readonly ended: Array<{ status: ScanStatus; at: number }> = [];

  constructor(private readonly deps: ConsoleScansDeps) {}

  handle(request: ScanRequestMessage): void {
    const now = this.deps.now ?? Date.now;
    const status = (state: ScanStatus['state'], progress: ScanProgress, error?: string): ScanStatus => ({
      scanId: request.scanId,
      path: request.path,
      state,
      progress,
      ...(error ? { error: error.slice(0, 2000) } : {}),
      at: new Date(now()).toISOString(),
    });
    this.deps.log.info('the console asked for a scan', { scanId: request.scanId, path: request.path, requestedBy: request.requestedBy });
    let sentAt = now();
    const started = this.deps.scans.start(
      request.path,
      { key: 'console', runAs: null, who: `console user ${request.requestedBy}` },
      {
        progress: (progress) => {
          if (now() - sentAt < this.deps.scans.tuning.consoleStatusEveryMs) return;
          sentAt = now();
          this.deps.send(status('running', progress));
        },
        file: () => undefined,
      },
      this.stopping.signal,
    );
    if (started === 'busy') {
      this.finish(status('refused', NOTHING_YET, 'another console-requested scan is running on this agent, or it runs as many scans as it allows'));
      return;
    }
    this.deps.send(status('running', NOTHING_YET));
    void started.then((outcome) => {
      const { state, error } = finalState(outcome);
      this.finish(status(state, outcome.progress, error));
    });
  }

  /** The console link is up again: repeat how recent scans ended. */
  linkReady(): void {
    const now = (this.deps.now ?? Date.now)();
    for (const { status, at } of this.ended) if (now - at < REPEAT_FINAL_MS) this.deps.send(status);
  }

  /** Cancels a running console scan (agent stop). */
  stop(): void {
    this.stopping.abort();
  }

  private finish(status: ScanStatus): void {
    this.ended.push({ status, at: (this.deps.now ?? Date.now)() });
    if (this.ended.length > KEEP_FINAL) this.ended.splice(0, this.ended.length - KEEP_FINAL);
    this.deps.send(status);
  }
}
