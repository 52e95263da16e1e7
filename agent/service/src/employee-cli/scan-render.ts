import type { ScanCriteria, ScannedFile, ScanProgress } from '@dlp/shared';
import { humanBytes, type ScanText } from './scan-text';

/** A file as the person who asked sees it: what it holds, counts per detector, redacted samples only. */
export function renderScannedFile(file: ScannedFile, text: ScanText): string[] {
  const label = file.verdict === 'bulk' ? text.bulk : file.verdict === 'below-threshold' ? text.belowThreshold : text.unreadable;
  const lines = [`[${label}] ${file.path} (${humanBytes(file.size)})`];
  for (const [detector, count] of Object.entries(file.matches)) lines.push(`    ${text.detector(detector)}: ${text.distinct(count)}`);
  if (file.samples.length > 0) lines.push(`    ${file.samples.join('  ')}`);
  if (file.unreadable) lines.push(`    ${text.unreadable}: ${text.unreadableWhy(file.unreadable)}`);
  return lines;
}

/** The closing lines of a completed scan. */
export function renderSummary(progress: ScanProgress, criteria: ScanCriteria, text: ScanText): string[] {
  const lines = [text.summary(progress.filesDone, humanBytes(progress.bytesDone), progress.filesFlagged, progress.filesBelowThreshold, progress.filesUnreadable)];
  const skipped = text.skipped(progress.skipped);
  if (skipped) lines.push(skipped);
  // At the limit, the files found are as many as the limit allows.
  if (progress.fileLimitReached) lines.push(text.fileLimit(progress.filesFound));
  lines.push(text.criteria(criteria.detectors.map((d) => text.detector(d)).join(', '), criteria.minDistinct));
  return lines;
}

/** The one line that says how far a scan is. */
export function progressText(progress: ScanProgress, text: ScanText): string {
  if (progress.phase === 'counting') return text.counting(progress.filesFound);
  return text.scanning(progress.filesDone, progress.filesFound, humanBytes(progress.bytesDone), humanBytes(progress.bytesFound), progress.filesFlagged);
}

/**
 * Shows progress on stderr: on a terminal, one line redrawn in place (at most ten times a second);
 * elsewhere (a pipe, a log), a plain line when the scan moves from counting to scanning.
 */
export class ProgressLine {
  private shown = false;
  private drawnAt = 0;
  private phase: ScanProgress['phase'] | null = null;

  constructor(
    private readonly write: (chunk: string) => void,
    private readonly tty: boolean,
    private readonly text: ScanText,
    private readonly now: () => number = Date.now,
  ) {}

  update(progress: ScanProgress): void {
    const phaseChanged = progress.phase !== this.phase;
    this.phase = progress.phase;
    if (!this.tty) {
      if (phaseChanged && progress.phase === 'counting') this.write(`${this.text.counting(progress.filesFound)}\n`);
      if (phaseChanged && progress.phase === 'scanning') this.write(`${this.text.scanningPlain(progress.filesFound, humanBytes(progress.bytesFound))}\n`);
      return;
    }
    if (!phaseChanged && this.now() - this.drawnAt < 100) return;
    this.drawnAt = this.now();
    this.write(`\r\x1b[K${progressText(progress, this.text)}`);
    this.shown = true;
  }

  /** Clears the redrawn line before anything else is printed. */
  clear(): void {
    if (!this.shown) return;
    this.write('\r\x1b[K');
    this.shown = false;
  }
}
