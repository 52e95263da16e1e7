/**
 * The masking pass: header cells keep their text (detector hits in them aside), cells of a personal
 * data column are masked whole as its kind, every other value has its detector hits masked. Counts go
 * to a tally per column and detector, for the report.
 */
import type { BuiltInDetectorId } from '../content';
import { CELL_NUMERIC, type CellRole, type CellSink } from './cell-sink';
import { columnKey, type ColumnPlan } from './column-classifier';
import type { Hit } from './hit-finder';
import type { MaskKind } from './mask-kinds';
import type { MaskPlan } from './survey-sink';
import type { ValueMasker } from './value-masker';

export interface ColumnTally {
  table: string;
  /** Index, key path, or 'text' for values outside any table. */
  column: number | string;
  plan?: ColumnPlan;
  /** Values changed. */
  masked: number;
  /** Values of a personal-data column without a valid value of its kind in them, masked by shape. */
  shapeOnly: number;
  /** Detector hits masked, per detector. */
  detectors: Partial<Record<BuiltInDetectorId, number>>;
}

/** Columns tallied one by one at most; the rest are summed into one row. */
const MAX_TALLIED = 2000;
const OTHER = columnKey('', '(other)');

export class MaskSink implements CellSink {
  readonly tallies = new Map<string, ColumnTally>();
  /** Hits masked in header cells, per detector. */
  readonly headerHits: Partial<Record<BuiltInDetectorId, number>> = {};
  /** Values masked as a whole per kind (names included), for the totals. */
  readonly byKind: Partial<Record<MaskKind, number>> = {};

  constructor(
    private readonly plan: MaskPlan,
    private readonly masker: ValueMasker,
  ) {
    for (const [key, column] of plan.columns) this.tallies.set(key, { table: column.table, column: column.column, plan: column, masked: 0, shapeOnly: 0, detectors: {} });
  }

  columns(): void {}

  cell(table: string, column: number | string, _line: number, role: CellRole, value: string, flags: number): string | undefined {
    const numeric = (flags & CELL_NUMERIC) !== 0;
    if (role === 'first' && this.plan.headers.has(table)) {
      const hits = this.masker.finder.find(value);
      if (hits.length === 0) return undefined;
      for (const hit of hits) this.headerHits[hit.detector] = (this.headerHits[hit.detector] ?? 0) + 1;
      return this.masker.replaceHits(value, hits, numeric);
    }
    const key = role === 'text' ? columnKey(table, 'text') : this.keyOf(table, column);
    const planned = role === 'text' ? undefined : this.plan.columns.get(key);
    if (planned) {
      const masked = this.masker.maskColumnValue(planned.kind, value, numeric);
      if (!masked) return undefined;
      const tally = this.tally(key, table, column);
      tally.masked++;
      if (masked.hits.length === 0) tally.shapeOnly++;
      this.count(tally, masked.hits);
      if (masked.hits.length === 0) this.byKind[planned.kind] = (this.byKind[planned.kind] ?? 0) + 1;
      return masked.text;
    }
    const hits = this.masker.finder.find(value);
    if (hits.length === 0) return undefined;
    const tally = this.tally(key, table, role === 'text' ? 'text' : column);
    tally.masked++;
    this.count(tally, hits);
    return this.masker.replaceHits(value, hits, numeric);
  }

  /** Keys of numbered columns per table, made once (their hash then cached by V8), not per cell. */
  private readonly numberedKeys = new Map<string, string[]>();

  private keyOf(table: string, column: number | string): string {
    if (typeof column !== 'number' || column >= MAX_TALLIED) return columnKey(table, column);
    let keys = this.numberedKeys.get(table);
    if (!keys) {
      if (this.numberedKeys.size >= MAX_TALLIED) return columnKey(table, column);
      keys = [];
      this.numberedKeys.set(table, keys);
    }
    return (keys[column] ??= columnKey(table, column));
  }

  private count(tally: ColumnTally, hits: readonly Hit[]): void {
    for (const hit of hits) {
      tally.detectors[hit.detector] = (tally.detectors[hit.detector] ?? 0) + 1;
      this.byKind[hit.detector] = (this.byKind[hit.detector] ?? 0) + 1;
    }
  }

  private tally(key: string, table: string, column: number | string): ColumnTally {
    let tally = this.tallies.get(key) ?? (this.tallies.size >= MAX_TALLIED ? this.tallies.get(OTHER) : undefined);
    if (!tally) {
      const other = this.tallies.size >= MAX_TALLIED;
      tally = { table: other ? '' : table, column: other ? '(other)' : column, masked: 0, shapeOnly: 0, detectors: {} };
      this.tallies.set(other ? OTHER : key, tally);
    }
    return tally;
  }
}
