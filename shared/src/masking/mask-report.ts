/**
 * The masking report (`--report PATH`): what was masked per column and detector, how the input was
 * read, and the re-scan's verdict. It holds counts, header texts and redacted samples only; header
 * texts are redacted too wherever a detector finds a value in them. Never the key.
 */
import { builtInDetector, type BuiltInDetectorId } from '../content';
import type { ColumnReason } from './column-classifier';
import type { HitFinder } from './hit-finder';
import type { KeepSpec, MaskKind, MaskStrategy } from './mask-kinds';
import type { ColumnTally } from './mask-sink';
import type { HeaderMode } from './survey-sink';
import type { SqlDialect } from './sql-transform';

export type MaskFormat = 'csv' | 'tsv' | 'jsonl' | 'sql' | 'xlsx';
export const MASK_FORMATS: readonly MaskFormat[] = ['csv', 'tsv', 'jsonl', 'sql', 'xlsx'];

export interface ReportColumn {
  /** SQL table or xlsx sheet. */
  table?: string;
  /** Header text (redacted where it holds a value), `#N`, a JSON key path, or `text` (outside any table). */
  column: string;
  kind?: MaskKind;
  reason?: ColumnReason;
  hitRate?: number;
  masked: number;
  shapeOnly: number;
  detectors: Partial<Record<BuiltInDetectorId, number>>;
}

export interface ReportFinding {
  detector: BuiltInDetectorId;
  /** Redacted. */
  sample: string;
  table?: string;
  line: number;
}

export type PassName = 'survey' | 'mask' | 'verify' | 'confirm';

export interface MaskReport {
  tool: 'dlp mask';
  version: 1;
  startedAt: string;
  elapsedMs: number;
  input: { path: string; format: MaskFormat; encoding?: string; bytes: number };
  output: { path: string; bytes: number; written: boolean };
  settings: {
    kinds: MaskKind[];
    strategies: Record<MaskKind, MaskStrategy>;
    keep: Record<MaskKind, KeepSpec>;
    validCheckDigits: boolean;
    maskChar?: string;
    /** Fingerprint of the pseudonym key (HMAC of a fixed label), so two reports show the same key was used. Not the key. */
    keyId?: string;
    header: HeaderMode;
    sampleRows: number;
    sqlDialect?: SqlDialect;
  };
  structure: { rows: number; statements?: number; insertStatements?: number; lines?: number; sheets?: number; sharedStrings?: number };
  columns: ReportColumn[];
  totals: {
    /** Values masked per kind (detector hits anywhere, plus whole values of personal-data columns without a hit). */
    byKind: Partial<Record<MaskKind, number>>;
    /** Hits masked in header cells. */
    headerHits: Partial<Record<BuiltInDetectorId, number>>;
    /** Draws repeated because a masked value equalled (or may have equalled) a raw value of the input. */
    redrawn: number;
    /** Values no valid form could be drawn for, masked by shape only. */
    shapeFallbacks: number;
  };
  verification: {
    ok: boolean;
    /** Values the detectors find in the output (masked values pass them by design). */
    foundInOutput: Partial<Record<BuiltInDetectorId, number>>;
    /** Output values the raw-value filter may know, checked against the input. */
    suspects: number;
    /** Raw input values found in the output: the output is not written when this is not 0. */
    rawValuesFound: number;
    findings: ReportFinding[];
    /** More suspects than could be checked: refused. */
    overflow?: boolean;
  };
  passes: { name: PassName; bytes: number; ms: number }[];
  /** Memory of the raw-value filter. */
  filterBytes: number;
}

/** A header or key path with any detected value in it redacted. */
export function redactLabel(label: string, finder: HitFinder): string {
  const hits = finder.find(label);
  if (hits.length === 0) return label.slice(0, 200);
  let out = '';
  let at = 0;
  for (const hit of hits) {
    out += label.slice(at, hit.start) + builtInDetector(hit.detector).redact(hit.value);
    at = hit.end;
  }
  return (out + label.slice(at)).slice(0, 200);
}

/** The report's columns from the masking tallies, biggest first. */
export function reportColumns(tallies: Iterable<ColumnTally>, finder: HitFinder): ReportColumn[] {
  const columns: ReportColumn[] = [];
  for (const tally of tallies) {
    const plan = tally.plan;
    // A JSON key path says more than its last key; a header more than a position.
    const label = typeof tally.column === 'string' ? tally.column : plan?.name !== undefined && plan.name !== '' ? plan.name : `#${tally.column + 1}`;
    columns.push({
      ...(tally.table !== '' ? { table: redactLabel(tally.table, finder) } : {}),
      column: redactLabel(label, finder),
      ...(plan ? { kind: plan.kind, reason: plan.reason, hitRate: Math.round(plan.hitRate * 1000) / 1000 } : {}),
      masked: tally.masked,
      shapeOnly: tally.shapeOnly,
      detectors: tally.detectors,
    });
  }
  return columns.sort((a, b) => b.masked - a.masked);
}
