/**
 * What every format hands the masking passes: each value it holds (a CSV field, a JSON string or
 * number, an SQL literal or comment, an xlsx cell), in order, with where it is. The pass answers with
 * a replacement or leaves the bytes alone. The same parser thus serves the survey, the masking, the
 * re-scan of the output and the confirmation of suspects.
 */

/**
 * `first`: a value of a table's first row (a header, or data: the survey decides).
 * `data`: a value in a table's data rows, with a column.
 * `text`: a value outside any table (an SQL comment or other statement, a JSON key, an xlsx header/footer).
 */
export type CellRole = 'first' | 'data' | 'text';

export interface CellSink {
  /** Column names a format learned for a table (SQL CREATE TABLE, INSERT and COPY column lists). */
  columns(table: string, names: readonly string[]): void;
  /**
   * One value. `column`: its index (CSV, SQL, xlsx; from 0) or key path (JSON lines). `line`: the input
   * line (text formats) or row (xlsx) it is on, for messages. `flags`: CELL_NUMERIC, CELL_VERBATIM.
   * Returns the replacement, or undefined to keep the value.
   */
  cell(table: string, column: number | string, line: number, role: CellRole, value: string, flags: number): string | undefined;
  /**
   * True when a verbatim value at this place would be ignored (the raw-text scan sees it): a format
   * may then neither cut the value out nor call `cell`. Same side effects as `cell` up to that point.
   */
  skipsVerbatim?(table: string, column: number | string, role: CellRole): boolean;
}

/** An unquoted number: its replacement must stay a number. */
export const CELL_NUMERIC = 1;
/**
 * The value stands in the text exactly as it is (no doubled quotes, escapes or entities), so the
 * raw-text scan of the same pass already sees its values: the survey and the re-scan skip it.
 */
export const CELL_VERBATIM = 2;

/** A streaming rewrite of one text format: decoded text in, text to write out. */
export interface FormatTransform {
  /** Text to write for this piece (empty when the pass writes nothing); the rest waits for more input. */
  push(text: string): string;
  /** The end of input: the last piece, or an error for a value left open. */
  end(): string;
  readonly counts: FormatCounts;
}

export interface FormatCounts {
  /** Data rows: CSV/TSV records, JSON lines, SQL INSERT tuples and COPY lines, xlsx rows. */
  rows: number;
  /** SQL statements (all kinds) and, of them, INSERT statements. */
  statements: number;
  insertStatements: number;
  /** Input lines seen (text formats). */
  lines: number;
}

export const newCounts = (): FormatCounts => ({ rows: 0, statements: 0, insertStatements: 0, lines: 1 });

/** Input the masking cannot read: a message in English plus a code and details the CLI words in zh-CN or en. */
export class MaskInputError extends Error {
  constructor(
    readonly code: MaskInputErrorCode,
    readonly details: { line?: number; column?: number; offset?: number; detail?: string },
    message: string,
  ) {
    super(message);
  }
}

export type MaskInputErrorCode =
  | 'csv-unterminated-quote'
  | 'csv-text-after-quote'
  | 'value-too-long'
  | 'json-invalid'
  | 'sql-unterminated'
  | 'invalid-encoding'
  | 'xlsx-unreadable'
  | 'xlsx-encrypted'
  | 'unsupported-format';

/** Values (fields, strings, XML cells) longer than this are refused rather than held in memory. */
export const MAX_VALUE_CHARS = 16 * 1024 * 1024;
