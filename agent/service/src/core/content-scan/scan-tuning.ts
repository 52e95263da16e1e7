import { CONTENT_SCAN_LIMITS } from '@dlp/shared';
import type { ExtractionLimits } from '@dlp/shared/node';
import { DEFAULT_WATCHED_FOLDER_TUNING } from '../../enforce/content/watched-folder-control';

/** How on-demand scans are bounded (docs/CONTENT.md, "On-demand scans"). */
export interface ContentScanTuning {
  /** Per file: the watched folders' limits (100 MiB read, 60 s). */
  limits: Partial<ExtractionLimits>;
  /** Files per scan at most; a client may ask for fewer. */
  maxFiles: number;
  maxHashBytes: number;
  /** Scans running at once on this agent, all users and the console together (one per user besides). */
  maxConcurrent: number;
  /** A worker silent this long past the per-file time limit is stuck (a hung filesystem): it is killed. */
  stallGraceMs: number;
  progressEveryMs: number;
  /** How often a console-requested scan reports its counts while it runs. */
  consoleStatusEveryMs: number;
  /** The worker's heap, in MiB: the scanner streams, so memory stays flat whatever the files. */
  workerHeapMiB: number;
}

export const DEFAULT_CONTENT_SCAN_TUNING: ContentScanTuning = {
  limits: DEFAULT_WATCHED_FOLDER_TUNING.limits,
  maxFiles: CONTENT_SCAN_LIMITS.maxFiles,
  maxHashBytes: DEFAULT_WATCHED_FOLDER_TUNING.maxHashBytes,
  maxConcurrent: 2,
  stallGraceMs: 30_000,
  progressEveryMs: 250,
  consoleStatusEveryMs: 5000,
  workerHeapMiB: 256,
};
