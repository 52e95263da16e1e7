import type { IpcTrayReport } from '@dlp/shared';
import type { EventSink } from '../controls/agent-control';

/** A tray that has not reported for this long is taken as gone (it reports every 60 s). */
export const TRAY_REPORT_STALE_MS = 3 * 60_000;

interface TrayWatermarkReport {
  user: string | null;
  report: IpcTrayReport['watermark'];
  guards: IpcTrayReport['captureGuard'];
  at: number;
}

export interface WatermarkWatchDeps {
  /** Whether the policy in force asks for the watermark. */
  wanted(): boolean;
  loggedInUser(): Promise<string | null>;
  record: EventSink;
  now?: () => number;
}

/**
 * Watches that the watermark the policy asks for is on the logged-in user's screen: by the trays'
 * own reports, and by their silence (a killed tray reports nothing). Each change between "shown"
 * and "not shown" is one event for the console, not one per check.
 */
export class WatermarkWatch {
  private readonly reports = new Map<number, TrayWatermarkReport>();
  private lastVerdict: 'shown' | 'not-shown' | null = null;

  constructor(private readonly deps: WatermarkWatchDeps) {}

  noteReport(uid: number, user: string | null, report: IpcTrayReport['watermark'], guards?: IpcTrayReport['captureGuard']): void {
    this.reports.set(uid, { user, report, guards, at: this.now() });
  }

  /** The capture guards of the freshest tray report that has them, or null when no tray reports any. */
  captureGuards(): NonNullable<IpcTrayReport['captureGuard']> | null {
    const fresh = [...this.reports.values()].filter((r) => r.guards && this.now() - r.at < TRAY_REPORT_STALE_MS).sort((a, b) => b.at - a.at);
    return fresh[0]?.guards ?? null;
  }

  /** Runs on a timer and after each report; records an event when the verdict changes. */
  async check(): Promise<void> {
    if (!this.deps.wanted()) {
      this.lastVerdict = null;
      return;
    }
    const user = await this.deps.loggedInUser();
    if (user === null) return; // nobody at the screen: nothing to watermark
    const fresh = [...this.reports.values()].find((r) => r.user === user && this.now() - r.at < TRAY_REPORT_STALE_MS);
    const shown = fresh?.report.state === 'shown' && fresh.report.shownOn >= fresh.report.displays && fresh.report.displays > 0;
    const verdict = shown ? 'shown' : 'not-shown';
    if (verdict === this.lastVerdict) return;
    const first = this.lastVerdict === null;
    this.lastVerdict = verdict;
    if (first && shown) return; // the normal start: nothing to tell
    const why = !fresh
      ? 'no tray app of this user has reported (not running, or killed)'
      : fresh.report.state === 'shown'
        ? `shown on ${fresh.report.shownOn} of ${fresh.report.displays} displays`
        : (fresh.report.reason ?? `the tray reports ${fresh.report.state}`);
    this.deps.record({
      type: 'agent',
      action: 'info',
      severity: shown ? 'low' : 'medium',
      consoleUser: true,
      subject: {
        kind: 'agent',
        message: shown ? `screen watermark shown again for ${user}` : `screen watermark not shown for ${user}: ${why}`.slice(0, 1000),
        details: { watermark: verdict },
      },
    });
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}
