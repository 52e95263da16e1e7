import type { ClipboardPort } from './electron-ports';
import type { Timers } from './timers';

export type TrayOs = 'linux' | 'windows' | 'macos';

/**
 * What `setContentProtection(true)` does per OS, said honestly (Electron 41's own documentation):
 * Windows 10 2004+ removes the window from every capture (older Windows captures it black); macOS
 * sets NSWindowSharingNone, which apps capturing through ScreenCaptureKit ignore; Linux has no such
 * API, so the call does nothing there.
 */
export type WindowCaptureExclusion = 'effective' | 'partial' | 'unavailable';

export function windowCaptureExclusion(os: TrayOs): WindowCaptureExclusion {
  return os === 'windows' ? 'effective' : os === 'macos' ? 'partial' : 'unavailable';
}

/** Every tray window (the main window) is created through this; the watermark is not (it must show on a capture). */
export function protectFromCapture(window: { setContentProtection(enable: boolean): void }): void {
  window.setContentProtection(true);
}

/** The capture guard's state for the agent's capability report (`captureGuard` of the IPC `tray-report`). */
export interface CaptureGuardReport {
  windowCaptureExclusion: WindowCaptureExclusion;
  clipboardGuard: 'on' | 'off';
  imagesCleared: number;
}

export interface ClipboardGuardOptions {
  clipboard: ClipboardPort;
  timers: Timers;
  pollMs?: number;
  log?: (line: string) => void;
}

/** True when the clipboard holds a picture (a screenshot tool's copy is always one). */
export function clipboardHoldsImage(formats: readonly string[]): boolean {
  return formats.some((format) => format.toLowerCase().startsWith('image/'));
}

/**
 * While the policy blocks screen capture, looks at the clipboard every `pollMs` and clears it when it
 * holds an image. The rule is deliberately simple and honest: we cannot tell a screenshot from an
 * image copied out of a document, so every image is cleared while capture is blocked (text, files and
 * links are left alone). A screenshot pasted within the poll interval can still get through.
 */
export class ClipboardGuard {
  private stopPolling: (() => void) | null = null;
  private clearedCount = 0;

  constructor(private readonly options: ClipboardGuardOptions) {}

  /** Follows the policy: on when `blockScreenCapture`, off otherwise. */
  apply(blockScreenCapture: boolean): void {
    if (blockScreenCapture && !this.stopPolling) {
      this.check();
      this.stopPolling = this.options.timers.every(this.options.pollMs ?? 500, () => this.check());
    } else if (!blockScreenCapture && this.stopPolling) {
      this.stop();
    }
  }

  stop(): void {
    this.stopPolling?.();
    this.stopPolling = null;
  }

  report(os: TrayOs): CaptureGuardReport {
    return { windowCaptureExclusion: windowCaptureExclusion(os), clipboardGuard: this.stopPolling ? 'on' : 'off', imagesCleared: this.clearedCount };
  }

  private check(): void {
    let formats: string[];
    try {
      formats = this.options.clipboard.availableFormats();
    } catch (err) {
      this.options.log?.(`clipboard guard: cannot read the clipboard's formats: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (!clipboardHoldsImage(formats)) return;
    this.options.clipboard.clear();
    this.clearedCount += 1;
    this.options.log?.(`clipboard guard: cleared an image (${formats.join(', ')}); ${this.clearedCount} so far`);
  }
}
