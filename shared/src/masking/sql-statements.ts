/**
 * Where an SQL token sits: which table and column an INSERT value belongs to, the column names a
 * CREATE TABLE, INSERT or COPY statement lists, and when a COPY … FROM stdin block of data starts.
 * Fed token by token by sql-transform.ts; not a parser, just enough of mysqldump and pg_dump output.
 */
import type { CellSink } from './cell-sink';
import type { FormatCounts } from './cell-sink';

type State = 'start' | 'insert-head' | 'insert-table' | 'insert-columns' | 'values' | 'create' | 'create-name' | 'create-table' | 'create-body' | 'copy-head' | 'copy-columns' | 'other';

export type SqlTokenKind = 'word' | 'ident' | 'punct';

const INSERT_MODIFIERS = new Set(['IGNORE', 'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'INTO']);
const CREATE_MODIFIERS = new Set(['TEMPORARY', 'TEMP', 'UNLOGGED', 'GLOBAL', 'LOCAL', 'OR', 'REPLACE']);
/** Items of a CREATE TABLE body that are not columns. */
const CONSTRAINT_WORDS = new Set(['PRIMARY', 'KEY', 'UNIQUE', 'CONSTRAINT', 'INDEX', 'FOREIGN', 'CHECK', 'FULLTEXT', 'SPATIAL', 'EXCLUDE', 'LIKE', 'PERIOD']);

export class SqlStatements {
  private state: State = 'start';
  private table = '';
  private names: string[] = [];
  private depth = 0;
  private column = 0;
  private afterDot = false;
  private expectColumn = false;
  private copyStdin = false;
  /** A COPY … FROM stdin statement ended: data lines follow from the next line. */
  copyPending = false;
  copyTable = '';
  /** Positions of the current INSERT's (or COPY's) listed columns among the table's columns. */
  private listed: number[] | undefined;
  copyColumns: number[] | undefined;
  /** Each table's columns as CREATE TABLE, then INSERT and COPY lists, named them (a column is keyed by its place here). */
  private readonly tables = new Map<string, string[]>();

  constructor(
    private readonly sink: CellSink,
    private readonly counts: FormatCounts,
  ) {}

  /** The table and column of a value token here; column undefined outside an INSERT's row. */
  where(): { table: string; column: number | undefined } {
    if (this.state !== 'values' || this.depth !== 1) return { table: this.table, column: undefined };
    return { table: this.table, column: this.listed?.[this.column] ?? this.column };
  }

  /** The column of a COPY data field at `position`. */
  copyColumn(position: number): number {
    return this.copyColumns?.[position] ?? position;
  }

  /** Where each listed column sits among the table's known columns (new names are added at the end). */
  private place(table: string, names: readonly string[]): number[] {
    let known = this.tables.get(table);
    if (!known) {
      known = [];
      if (this.tables.size < 10_000) this.tables.set(table, known);
    }
    const columns = known;
    const positions = names.map((name) => {
      const at = columns.findIndex((k) => k.toLowerCase() === name.toLowerCase());
      if (at >= 0) return at;
      columns.push(name);
      return columns.length - 1;
    });
    this.sink.columns(table, columns);
    return positions;
  }

  /** A value (string or number) token: only its place matters to the statement. */
  value(): void {
    if (this.state === 'start') this.state = 'other';
    this.expectColumn = false;
    this.afterDot = false;
  }

  /** A word (`upper` is its upper-case form) or quoted identifier or punctuation character. */
  token(kind: SqlTokenKind, text: string): void {
    const upper = kind === 'word' ? text.toUpperCase() : '';
    const isName = kind === 'word' || kind === 'ident';
    if (kind === 'punct' && text === ';') {
      if (this.state !== 'start') this.counts.statements++;
      if (this.copyStdin) {
        this.copyPending = true;
        this.copyTable = this.table;
        this.copyColumns = this.listed;
      }
      this.reset();
      return;
    }
    // A qualified name: schema.table.
    if (kind === 'punct' && text === '.' && (this.state === 'insert-table' || this.state === 'create-table' || this.state === 'copy-head')) {
      this.afterDot = true;
      return;
    }
    if (isName && this.afterDot) {
      this.table += `.${text}`;
      this.afterDot = false;
      return;
    }
    this.afterDot = false;
    switch (this.state) {
      case 'start':
        if (upper === 'INSERT' || upper === 'REPLACE') {
          this.state = 'insert-head';
          this.counts.insertStatements++;
        } else if (upper === 'CREATE') this.state = 'create';
        else if (upper === 'COPY') this.state = 'copy-head';
        else this.state = 'other';
        return;
      case 'insert-head':
        if (INSERT_MODIFIERS.has(upper)) return;
        if (isName) {
          this.table = text;
          this.state = 'insert-table';
        } else this.state = 'other';
        return;
      case 'insert-table':
        if (text === '(') {
          this.state = 'insert-columns';
          this.names = [];
        } else if (upper === 'VALUES' || upper === 'VALUE') {
          this.state = 'values';
          this.depth = 0;
        } else if (upper === 'SELECT' || upper === 'SET' || upper === 'DEFAULT' || upper === 'WITH') this.state = 'other';
        return;
      case 'insert-columns':
        if (isName) this.names.push(text);
        else if (text === ')') {
          this.listed = this.place(this.table, this.names);
          this.state = 'insert-table';
        }
        return;
      case 'values':
        if (text === '(') {
          if (this.depth === 0) {
            this.counts.rows++;
            this.column = 0;
          }
          this.depth++;
        } else if (text === ')') this.depth = Math.max(0, this.depth - 1);
        else if (text === ',' && this.depth === 1) this.column++;
        else if (this.depth === 0 && upper !== '' && upper !== 'VALUES') this.state = 'other'; // ON DUPLICATE KEY UPDATE, RETURNING
        return;
      case 'create':
        if (upper === 'TABLE') this.state = 'create-name';
        else if (!CREATE_MODIFIERS.has(upper)) this.state = 'other';
        return;
      case 'create-name':
        if (upper === 'IF' || upper === 'NOT' || upper === 'EXISTS') return;
        if (isName) {
          this.table = text;
          this.state = 'create-table';
        } else this.state = 'other';
        return;
      case 'create-table':
        if (text === '(') {
          this.state = 'create-body';
          this.depth = 1;
          this.names = [];
          this.expectColumn = true;
        } else this.state = 'other';
        return;
      case 'create-body':
        if (text === '(') this.depth++;
        else if (text === ')') {
          this.depth--;
          if (this.depth === 0) {
            if (this.tables.size < 10_000) this.tables.set(this.table, [...this.names]);
            this.sink.columns(this.table, this.names);
            this.state = 'other';
          }
        } else if (text === ',' && this.depth === 1) this.expectColumn = true;
        else if (this.expectColumn && this.depth === 1) {
          if (isName && !(kind === 'word' && CONSTRAINT_WORDS.has(upper))) this.names.push(text);
          this.expectColumn = false;
        }
        return;
      case 'copy-head':
        if (this.table === '' && isName) this.table = text;
        else if (text === '(') {
          this.state = 'copy-columns';
          this.names = [];
        } else if (upper === 'STDIN') this.copyStdin = true;
        return;
      case 'copy-columns':
        if (isName) this.names.push(text);
        else if (text === ')') {
          this.listed = this.place(this.table, this.names);
          this.state = 'copy-head';
        }
        return;
      default:
        return;
    }
  }

  private reset(): void {
    this.state = 'start';
    this.table = '';
    this.depth = 0;
    this.copyStdin = false;
    this.expectColumn = false;
    this.listed = undefined;
  }
}
