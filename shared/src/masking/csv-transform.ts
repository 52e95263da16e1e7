/**
 * CSV and TSV (RFC 4180 quoting: a field in double quotes may hold delimiters, line breaks and doubled
 * quotes), streamed: each field goes to the sink as it completes, and only a field being replaced is
 * written anew; everything else, line breaks and quoting included, is copied as it was. A quote inside
 * an unquoted field is taken literally (as spreadsheet programs do); text after a closing quote and a
 * quote left open at the end are errors with the line they start on.
 */
import { CELL_VERBATIM, MAX_VALUE_CHARS, MaskInputError, newCounts, type CellSink, type FormatTransform } from './cell-sink';
import { OutputBuilder } from './output-builder';

export interface CsvOptions {
  delimiter: ',' | '\t';
  /** Build output text (the masking pass); the survey and re-scan passes only read. */
  emit: boolean;
  maxValueChars?: number;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

export function createCsvTransform(sink: CellSink, options: CsvOptions): FormatTransform {
  const delimiter = options.delimiter.charCodeAt(0);
  const maxValue = options.maxValueChars ?? MAX_VALUE_CHARS;
  const counts = newCounts();
  const skipsVerbatim = options.emit ? undefined : sink.skipsVerbatim?.bind(sink);
  let carry = '';
  let row = 0;
  let column = 0;
  /** The last record ended with CR at the end of a piece: a LF starting the next piece belongs to it. */
  let skipLf = false;
  /** A record has started (at least one field seen) and not yet ended. */
  let inRecord = false;

  const quote = (value: string): string => `"${value.replace(/"/g, '""')}"`;
  const needsQuotes = (value: string): boolean => value.includes(options.delimiter) || /["\r\n]/.test(value);

  function endRecord(): void {
    if (inRecord) counts.rows++;
    row++;
    column = 0;
    inRecord = false;
    counts.lines++;
  }

  const out = new OutputBuilder();

  function run(input: string, final: boolean): string {
    const text = input;
    let copyFrom = 0;
    let i = 0;
    const n = text.length;
    if (skipLf && n > 0) {
      if (text.charCodeAt(0) === LF) i = 1;
      skipLf = false;
    }
    while (i < n) {
      const fieldStart = i;
      let fieldEnd: number;
      let value: string;
      let quoted = false;
      let verbatim = true;
      let newlines = 0;
      if (text.charCodeAt(i) === QUOTE) {
        quoted = true;
        let j = i + 1;
        let close = -1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) break;
          if (q + 1 < n && text.charCodeAt(q + 1) === QUOTE) {
            j = q + 2;
            continue;
          }
          if (q + 1 >= n && !final) break; // a doubled quote may continue in the next piece
          close = q;
          break;
        }
        if (close < 0) {
          if (final) throw new MaskInputError('csv-unterminated-quote', { line: counts.lines }, `malformed CSV: the quoted field starting on line ${counts.lines} is never closed`);
          break;
        }
        fieldEnd = close + 1;
        const after = fieldEnd < n ? text.charCodeAt(fieldEnd) : -1;
        if (after !== -1 && after !== delimiter && after !== CR && after !== LF) {
          for (let k = i; k < close; k++) if (text.charCodeAt(k) === LF) newlines++;
          throw new MaskInputError('csv-text-after-quote', { line: counts.lines + newlines, column: column + 1 }, `malformed CSV: text after the closing quote of field ${column + 1} on line ${counts.lines + newlines}`);
        }
        const inner = text.slice(i + 1, close);
        verbatim = !inner.includes('"');
        value = verbatim ? inner : inner.replace(/""/g, '"');
        for (let k = inner.indexOf('\n'); k !== -1; k = inner.indexOf('\n', k + 1)) newlines++;
      } else {
        let j = i;
        for (; j < n; j++) {
          const c = text.charCodeAt(j);
          if (c === delimiter || c === LF || c === CR) break;
        }
        if (j >= n && !final) break;
        fieldEnd = j;
        // The survey and re-scan passes ignore most plain fields: no string is cut out for those.
        value = j > i && skipsVerbatim?.('', column, row === 0 ? 'first' : 'data') === true ? '' : text.slice(i, j);
      }
      if (fieldEnd - fieldStart > maxValue) throw new MaskInputError('value-too-long', { line: counts.lines }, `a field on line ${counts.lines} is longer than ${maxValue} characters`);
      inRecord = true;
      if (value !== '') {
        const replacement = sink.cell('', column, counts.lines, row === 0 ? 'first' : 'data', value, verbatim ? CELL_VERBATIM : 0);
        if (replacement !== undefined && replacement !== value && options.emit) {
          out.add(text.slice(copyFrom, fieldStart));
          out.add(quoted || needsQuotes(replacement) ? quote(replacement) : replacement);
          copyFrom = fieldEnd;
        }
      }
      counts.lines += newlines;
      column++;
      if (fieldEnd >= n) {
        i = n;
        break;
      }
      const sep = text.charCodeAt(fieldEnd);
      if (sep === delimiter) {
        // At the end of a piece the record goes on in the next one, with a (maybe empty) field.
        i = fieldEnd + 1;
        continue;
      }
      if (sep === CR) {
        if (fieldEnd + 1 < n) i = text.charCodeAt(fieldEnd + 1) === LF ? fieldEnd + 2 : fieldEnd + 1;
        else {
          i = n;
          skipLf = true;
        }
      } else {
        i = fieldEnd + 1;
      }
      endRecord();
    }
    if (i < n) {
      // An unfinished field waits for the next piece.
      if (n - i > maxValue) throw new MaskInputError('value-too-long', { line: counts.lines }, `a field on line ${counts.lines} is longer than ${maxValue} characters (a quote left open?)`);
      carry = text.slice(i);
      if (options.emit) out.add(text.slice(copyFrom, i));
      return out.take();
    }
    carry = '';
    if (options.emit) out.add(text.slice(copyFrom));
    return out.take();
  }

  return {
    counts,
    push(piece) {
      if (piece.length === 0) return '';
      return run(carry === '' ? piece : carry + piece, false);
    },
    end() {
      const out = carry === '' ? '' : run(carry, true);
      if (inRecord) counts.rows++;
      inRecord = false;
      return out;
    },
  };
}
