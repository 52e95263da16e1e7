/**
 * The first pass: every detected raw value goes into the raw-value filter, each table's first row is
 * judged header or data, and the first rows of each column are sampled to classify it. Nothing is
 * written, and no raw value is kept (only counts per column, and header texts).
 */
import { CELL_VERBATIM, type CellRole, type CellSink } from './cell-sink';
import { classifyColumn, columnKey, sampleValue, type ColumnOverride, type ColumnPlan, type ColumnSample } from './column-classifier';
import type { Hit, HitFinder } from './hit-finder';
import type { MaskKind } from './mask-kinds';
import type { RawValueFilter } from './raw-value-filter';

export type HeaderMode = 'auto' | 'yes' | 'no';

export interface SurveyOptions {
  headerMode: HeaderMode;
  /** Data rows sampled per column. */
  sampleRows: number;
  kinds: readonly MaskKind[];
  overrides: readonly ColumnOverride[];
}

export interface MaskPlan {
  /** Tables whose first row is a header (CSV: '', xlsx: sheet names). */
  headers: ReadonlySet<string>;
  columns: ReadonlyMap<string, ColumnPlan>;
}

/** Columns tracked at most (JSON objects keyed by ids would otherwise grow without bound). */
const MAX_COLUMNS = 10_000;
const MAX_HEADER_CHARS = 200;

interface FirstRow {
  cells: { column: number | string; value: string; hits: Hit[] }[];
  anyWholeHit: boolean;
  allNumbers: boolean;
}

export class SurveySink implements CellSink {
  private readonly names = new Map<string, readonly string[]>();
  private readonly samples = new Map<string, ColumnSample>();
  private readonly firstRows = new Map<string, FirstRow>();

  constructor(
    private readonly finder: HitFinder,
    private readonly filter: RawValueFilter,
    private readonly options: SurveyOptions,
  ) {}

  /** The latest list wins: a table's list only grows (CREATE TABLE, then names INSERT or COPY lists add). */
  columns(table: string, names: readonly string[]): void {
    if (this.names.has(table) || this.names.size < MAX_COLUMNS) this.names.set(table, names.map((n) => n.slice(0, MAX_HEADER_CHARS)));
  }

  skipsVerbatim(table: string, column: number | string, role: CellRole): boolean {
    if (role !== 'data') return false;
    const sample = this.sampleFor(table, column);
    return sample === undefined || sample.sampled >= this.options.sampleRows;
  }

  cell(table: string, column: number | string, _line: number, role: CellRole, value: string, flags: number): undefined {
    const sample = role === 'data' ? this.sampleFor(table, column) : undefined;
    const sampling = role === 'first' || (sample !== undefined && sample.sampled < this.options.sampleRows);
    // A verbatim value's raw values reach the filter through the raw-text scan of the same text.
    if (!sampling && flags & CELL_VERBATIM) return undefined;
    const hits = this.finder.find(value);
    for (const hit of hits) this.filter.add(hit.value);
    if (role === 'text') return undefined;
    if (role === 'first') {
      let first = this.firstRows.get(table);
      if (!first) {
        first = { cells: [], anyWholeHit: false, allNumbers: true };
        this.firstRows.set(table, first);
      }
      if (first.cells.length < MAX_COLUMNS) first.cells.push({ column, value: value.slice(0, MAX_HEADER_CHARS), hits });
      const trimmed = value.trim();
      if (hits.length === 1 && hits[0] && hits[0].end - hits[0].start >= trimmed.length) first.anyWholeHit = true;
      if (trimmed !== '' && !/^[-+]?[\d.,]+$/.test(trimmed)) first.allNumbers = false;
      return undefined;
    }
    if (sample && sampling) sampleValue(sample, value, hits);
    return undefined;
  }

  /** Samples of numbered columns per table, so a cell costs no key string and no map look-up. */
  private readonly numbered = new Map<string, (ColumnSample | undefined)[]>();

  private sampleFor(table: string, column: number | string): ColumnSample | undefined {
    if (typeof column !== 'number') return this.sampleByKey(table, column);
    let byIndex = this.numbered.get(table);
    const known = byIndex?.[column];
    if (known) return known;
    const sample = this.sampleByKey(table, column);
    // Only columns that have a sample are remembered, so this stays as bounded as the samples.
    if (sample && column < MAX_COLUMNS) {
      if (!byIndex) {
        byIndex = [];
        this.numbered.set(table, byIndex);
      }
      byIndex[column] = sample;
    }
    return sample;
  }

  private sampleByKey(table: string, column: number | string): ColumnSample | undefined {
    const key = columnKey(table, column);
    let sample = this.samples.get(key);
    if (!sample && this.samples.size < MAX_COLUMNS) {
      sample = { table, column, sampled: 0, whole: {}, shape: {} };
      this.samples.set(key, sample);
    }
    return sample;
  }

  /** Which first rows are headers, and the kind of each column that holds personal data as a whole. */
  plan(): MaskPlan {
    const headers = new Set<string>();
    for (const [table, first] of this.firstRows) {
      const isHeader = this.options.headerMode === 'yes' || (this.options.headerMode === 'auto' && !first.anyWholeHit && !first.allNumbers);
      if (isHeader) {
        headers.add(table);
        for (const cell of first.cells) {
          const sample = this.sampleFor(table, cell.column);
          if (sample) sample.name = cell.value.trim();
        }
      } else {
        for (const cell of first.cells) {
          const sample = this.sampleFor(table, cell.column);
          if (sample) sampleValue(sample, cell.value, cell.hits);
        }
      }
    }
    const columns = new Map<string, ColumnPlan>();
    for (const [key, sample] of this.samples) {
      const names = this.names.get(sample.table);
      if (sample.name === undefined && typeof sample.column === 'number' && names?.[sample.column] !== undefined) sample.name = names[sample.column];
      if (sample.name === undefined && typeof sample.column === 'string') sample.name = sample.column.replace(/(?:\[\])+$/, '').replace(/^.*\./, '');
      const plan = classifyColumn(sample, this.options.kinds, this.options.overrides);
      if (plan) columns.set(key, plan);
    }
    return { headers, columns };
  }
}
