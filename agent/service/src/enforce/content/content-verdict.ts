/**
 * What a file scan means under the policy's content section: bulk customer data (a detector found
 * at least `minDistinct` distinct values), a file that could not be read (encrypted, unparseable,
 * over a limit), or nothing to report. Pure: the watcher supplies the scan, core turns it into an event.
 */
import type { BuiltInDetectorId, PolicyMode } from '@dlp/shared';
import type { FileScanResult, LimitName } from '@dlp/shared/node';

/** docs/CONTENT.md's example of bulk customer data: ten distinct values of one kind. */
export const DEFAULT_MIN_DISTINCT = 10;
/** The event schema's bounds on samples. */
const MAX_SAMPLES = 5;
const MAX_SAMPLE_LENGTH = 64;

/** The policy's content section, as the watched-folder channel applies it. */
export interface ContentSettings {
  serial: number;
  mode: PolicyMode;
  detectors: readonly BuiltInDetectorId[];
  minDistinct: number;
  action: 'report' | 'quarantine';
}

/** Why a file could not be judged: its outcome, and for a limit which one (`max-bytes`: too large). */
export type UnreadableReason = 'encrypted' | 'unparseable' | `limit-exceeded:${LimitName}`;

export type ContentVerdict =
  | { kind: 'clean' }
  | {
      kind: 'bulk' | 'unreadable';
      /** Detector → distinct values found (a lower bound when the scan stopped at a limit). */
      matches: Record<string, number>;
      /** Redacted samples, those of the detectors over the threshold first. */
      samples: string[];
      /** Set when the scan did not read the whole file; with `unreadable`, why nothing could be judged. */
      unreadable?: UnreadableReason;
      /** The threshold it was judged by (the event says why it was reported). */
      minDistinct: number;
      /** The highest confidence (0–1) among the detectors over the threshold; absent when none was. */
      confidence?: number;
    };

/** Why the file, or failing that one of its archive entries, could not be read in full. */
export function unreadableReason(result: FileScanResult): UnreadableReason | undefined {
  for (const part of [result, ...result.entries]) {
    if (part.outcome === 'encrypted' || part.outcome === 'unparseable') return part.outcome;
    if (part.outcome === 'limit-exceeded' && part.limit) return `limit-exceeded:${part.limit}`;
  }
  return undefined;
}

/** Up to five samples, taken in turn from each detector, the ones that met the threshold first. */
function pickSamples(findings: FileScanResult['report']['findings'], first: ReadonlySet<string>): string[] {
  const ordered = [...findings.filter((f) => first.has(f.detector)), ...findings.filter((f) => !first.has(f.detector))];
  const samples: string[] = [];
  for (let round = 0; samples.length < MAX_SAMPLES && ordered.some((f) => f.samples.length > round); round++) {
    for (const finding of ordered) {
      const sample = finding.samples[round];
      if (sample !== undefined && samples.length < MAX_SAMPLES) samples.push(sample.slice(0, MAX_SAMPLE_LENGTH));
    }
  }
  return samples;
}

/** Judges one scan under the settings: only the policy's detectors count. */
export function judgeScan(result: FileScanResult, settings: Pick<ContentSettings, 'detectors' | 'minDistinct'>): ContentVerdict {
  const wanted = new Set<string>(settings.detectors);
  const findings = result.report.findings.filter((f) => wanted.has(f.detector) && f.distinct > 0);
  const over = new Set(findings.filter((f) => f.distinct >= settings.minDistinct).map((f) => f.detector));
  const unreadable = unreadableReason(result);
  if (over.size === 0 && unreadable === undefined) return { kind: 'clean' };
  const matches = Object.fromEntries(findings.map((f) => [f.detector, f.distinct]));
  const confidences = findings.filter((f) => over.has(f.detector)).map((f) => f.confidence);
  return {
    kind: over.size > 0 ? 'bulk' : 'unreadable',
    matches,
    samples: pickSamples(findings, over),
    ...(unreadable ? { unreadable } : {}),
    minDistinct: settings.minDistinct,
    ...(confidences.length > 0 ? { confidence: Math.round(Math.max(...confidences) * 100) / 100 } : {}),
  };
}

/**
 * What a file holds below the threshold: the policy's detectors that found something, and their
 * samples; null when none did. An on-demand scan shows these to the person who asked.
 */
export function belowThreshold(result: FileScanResult, settings: Pick<ContentSettings, 'detectors'>): { matches: Record<string, number>; samples: string[] } | null {
  const wanted = new Set<string>(settings.detectors);
  const findings = result.report.findings.filter((f) => wanted.has(f.detector) && f.distinct > 0);
  if (findings.length === 0) return null;
  return { matches: Object.fromEntries(findings.map((f) => [f.detector, f.distinct])), samples: pickSamples(findings, new Set()) };
}

/** Severity of bulk customer data by how many distinct values the largest finding holds. */
export function bulkSeverity(matches: Record<string, number>): 'medium' | 'high' | 'critical' {
  const most = Math.max(0, ...Object.values(matches));
  return most >= 1000 ? 'critical' : most >= 100 ? 'high' : 'medium';
}
