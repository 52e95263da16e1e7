/**
 * Progress of `dlp mask` on stderr: on a terminal one line redrawn in place (pass, bar, percent of the
 * bytes that pass reads, MB/s); otherwise a plain line every 10 % or 30 s, so logs of a scheduled job
 * stay readable. Never prints a value.
 */
import type { PassName } from '@dlp/shared';
import type { MaskLang } from './mask-text';
import { passLabel } from './mask-text';

export interface ProgressTerminal {
  isTTY: boolean;
  write(text: string): void;
}

const BAR = 24;
const TTY_INTERVAL_MS = 200;
const PLAIN_INTERVAL_MS = 30_000;

export class MaskProgress {
  private pass: PassName = 'survey';
  private total = 0;
  private done = 0;
  private started = 0;
  private lastDrawn = 0;
  private lastTenth = -1;

  constructor(
    private readonly terminal: ProgressTerminal | undefined,
    private readonly lang: MaskLang,
    private readonly now: () => number = Date.now,
  ) {}

  begin(pass: PassName, totalBytes: number): void {
    this.finishLine();
    this.pass = pass;
    this.total = Math.max(1, totalBytes);
    this.done = 0;
    this.started = this.now();
    this.lastDrawn = 0;
    this.lastTenth = -1;
    this.draw(true);
  }

  add(bytes: number): void {
    this.done += bytes;
    this.draw(false);
  }

  end(): void {
    this.done = this.total;
    this.draw(true);
    this.finishLine();
  }

  private drawnInPlace = false;

  private finishLine(): void {
    if (this.drawnInPlace) this.terminal?.write('\n');
    this.drawnInPlace = false;
  }

  private draw(force: boolean): void {
    if (!this.terminal) return;
    const now = this.now();
    const fraction = Math.min(1, this.done / this.total);
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    const rate = `${(this.done / 1e6 / seconds).toFixed(1)} MB/s`;
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const label = passLabel(this.pass, this.lang);
    if (this.terminal.isTTY) {
      if (!force && now - this.lastDrawn < TTY_INTERVAL_MS) return;
      this.lastDrawn = now;
      const filled = Math.round(fraction * BAR);
      this.terminal.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${percent} ${(this.done / 1e6).toFixed(0)}/${(this.total / 1e6).toFixed(0)} MB ${rate}  `);
      this.drawnInPlace = true;
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (!force && tenth === this.lastTenth && now - this.lastDrawn < PLAIN_INTERVAL_MS) return;
    if (force && tenth === this.lastTenth) return;
    this.lastTenth = tenth;
    this.lastDrawn = now;
    this.terminal.write(`${label}: ${percent} ${(this.done / 1e6).toFixed(1)}/${(this.total / 1e6).toFixed(1)} MB, ${rate}\n`);
  }
}
