import type { EmployeeLocale, IpcTrayReport, WatermarkSettings } from '@dlp/shared';
import { TRAY_CHANNELS } from '../common/tray-api';
import type { DisplayInfo, ScreenPort, WatermarkWindowPort } from './electron-ports';
import type { Timers } from './timers';
import { watermarkView, watermarkWindowOptions, type WatermarkIdentity, type WatermarkWindowOptions } from './watermark-window-options';

export type WatermarkReport = IpcTrayReport['watermark'];

/** Creates one watermark `BrowserWindow` (may throw: the OS can refuse a window). */
export interface WatermarkWindowFactory {
  createWatermarkWindow(options: WatermarkWindowOptions): WatermarkWindowPort;
}

export interface WatermarkManagerOptions {
  screen: ScreenPort;
  windows: WatermarkWindowFactory;
  timers: Timers;
  identity: WatermarkIdentity;
  locale: EmployeeLocale;
  preloadPath: string;
  pageUrl: string;
  /** Sends the state to the agent (a `tray-report`); on every change and every `reportEveryMs`. */
  report: (report: WatermarkReport) => void;
  reportEveryMs?: number;
  /** Attempts per display per minute before giving up until the next periodic check (a crash loop). */
  maxAttemptsPerMinute?: number;
}

interface Shown {
  display: DisplayInfo;
  window: WatermarkWindowPort;
  loaded: boolean;
  /** Closed by us (policy off, display gone or changed): not to be re-created. */
  retired: boolean;
}

const sameGeometry = (a: DisplayInfo, b: DisplayInfo) =>
  a.scaleFactor === b.scaleFactor && a.bounds.x === b.bounds.x && a.bounds.y === b.bounds.y && a.bounds.width === b.bounds.width && a.bounds.height === b.bounds.height;

/**
 * Keeps one click-through, always-on-top watermark window on every display while the policy asks for
 * it: re-created when closed, when its renderer dies, and when displays are added, removed or
 * change bounds or scale; all closed when the policy turns it off. Says to the agent what is shown.
 */
export class WatermarkManager {
  private settings: WatermarkSettings | null = null;
  private readonly shown = new Map<number, Shown>();
  private readonly failures = new Map<number, string>();
  private readonly attempts = new Map<number, number[]>();
  private lastSent: string | null = null;
  private stopTick: (() => void) | null = null;

  constructor(private readonly options: WatermarkManagerOptions) {}

  start(): void {
    const reconcile = () => this.reconcile();
    this.options.screen.on('display-added', reconcile);
    this.options.screen.on('display-removed', reconcile);
    this.options.screen.on('display-metrics-changed', reconcile);
    this.stopTick = this.options.timers.every(this.options.reportEveryMs ?? 60_000, () => this.tick());
    this.reconcile();
  }

  stop(): void {
    this.stopTick?.();
    this.stopTick = null;
    this.settings = null;
    for (const id of [...this.shown.keys()]) this.retire(id);
  }

  /** The policy's watermark settings, from every status the agent sends. */
  apply(settings: WatermarkSettings): void {
    const textChanged = this.settings !== null && (this.settings.text !== settings.text || this.settings.opacity !== settings.opacity);
    this.settings = settings;
    if (textChanged) for (const entry of this.shown.values()) if (entry.loaded) this.sendView(entry);
    this.reconcile();
  }

  /** What is on screen now, as the agent is told. */
  current(): WatermarkReport {
    const displays = this.options.screen.getAllDisplays();
    if (!this.settings?.enabled) return { state: 'off', shownOn: 0, displays: displays.length };
    const shownOn = [...this.shown.values()].filter((entry) => entry.loaded).length;
    if (displays.length > 0 && shownOn === displays.length) return { state: 'shown', shownOn, displays: displays.length };
    const reason = [...this.failures.values()][0] ?? (displays.length === 0 ? 'no display is connected' : 'the watermark windows are still loading');
    return { state: 'not-shown', shownOn, displays: displays.length, reason: reason.slice(0, 500) };
  }

  private tick(): void {
    // Another program may have taken the top level since; the periodic check takes it back.
    for (const entry of this.shown.values()) if (entry.loaded) entry.window.setAlwaysOnTop(true, 'screen-saver');
    this.reconcile();
    this.publish(true);
  }

  private reconcile(): void {
    if (!this.stopTick) return;
    const displays = this.options.screen.getAllDisplays();
    if (!this.settings?.enabled) {
      for (const id of [...this.shown.keys()]) this.retire(id);
      this.failures.clear();
      this.publish(false);
      return;
    }
    const present = new Set(displays.map((display) => display.id));
    for (const [id, entry] of [...this.shown]) {
      const now = displays.find((display) => display.id === id);
      if (!present.has(id) || (now && !sameGeometry(now, entry.display))) this.retire(id);
    }
    for (const id of [...this.failures.keys()]) if (!present.has(id)) this.failures.delete(id);
    for (const display of displays) if (!this.shown.has(display.id)) this.create(display);
    this.publish(false);
  }

  private create(display: DisplayInfo): void {
    const settings = this.settings;
    if (!settings || !this.withinBudget(display.id)) return;
    const view = watermarkView(settings, this.options.identity, display);
    let window: WatermarkWindowPort;
    try {
      window = this.options.windows.createWatermarkWindow(watermarkWindowOptions(display, view, this.options.locale, this.options.preloadPath));
      window.setIgnoreMouseEvents(true);
      window.setAlwaysOnTop(true, 'screen-saver');
      window.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
    } catch (err) {
      this.failures.set(display.id, `display ${display.id}: the window could not be created: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const entry: Shown = { display, window, loaded: false, retired: false };
    this.shown.set(display.id, entry);
    window.on('closed', () => this.lost(entry, 'the window was closed'));
    window.webContents.on('render-process-gone', (_event, details) => this.lost(entry, `its page process ended (${details.reason})`));
    window.loadURL(this.options.pageUrl).then(
      () => {
        if (entry.retired) return;
        entry.loaded = true;
        this.failures.delete(display.id);
        window.showInactive();
        this.sendView(entry);
        this.publish(false);
      },
      (err: unknown) => {
        if (entry.retired) return;
        this.failures.set(display.id, `display ${display.id}: the watermark page did not load: ${err instanceof Error ? err.message : String(err)}`);
        this.retire(display.id);
        this.publish(false);
      },
    );
  }

  /** A window we did not close went away: note why and put a new one in its place. */
  private lost(entry: Shown, why: string): void {
    if (entry.retired) return;
    this.failures.set(entry.display.id, `display ${entry.display.id}: ${why}`);
    this.retire(entry.display.id);
    this.reconcile();
  }

  private retire(id: number): void {
    const entry = this.shown.get(id);
    if (!entry) return;
    entry.retired = true;
    this.shown.delete(id);
    if (!entry.window.isDestroyed()) entry.window.close();
  }

  private withinBudget(id: number): boolean {
    const now = this.options.timers.now();
    const max = this.options.maxAttemptsPerMinute ?? 5;
    const recent = (this.attempts.get(id) ?? []).filter((at) => now - at < 60_000);
    if (recent.length >= max) {
      this.failures.set(id, `display ${id}: re-created ${max} times within a minute; trying again at the next check`);
      this.attempts.set(id, recent);
      return false;
    }
    this.attempts.set(id, [...recent, now]);
    return true;
  }

  private sendView(entry: Shown): void {
    if (!this.settings || entry.window.isDestroyed()) return;
    entry.window.webContents.send(TRAY_CHANNELS.watermarkView, watermarkView(this.settings, this.options.identity, entry.display));
  }

  /** Reports a change (or, with `always`, the periodic repeat); a window still loading is not a change yet. */
  private publish(always: boolean): void {
    const report = this.current();
    const loading = [...this.shown.values()].some((entry) => !entry.loaded);
    if (report.state === 'not-shown' && loading && this.failures.size === 0 && !always) return;
    const key = JSON.stringify(report);
    if (!always && key === this.lastSent) return;
    this.lastSent = key;
    this.options.report(report);
  }
}
