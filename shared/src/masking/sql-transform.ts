/**
 * SQL dumps (mysqldump, pg_dump with --inserts or its default COPY blocks), streamed token by token.
 * Values of `INSERT … VALUES (…),(…);` rows and COPY data lines go to the sink with their table and
 * column; every other string literal and comment goes as free text. Strings are decoded with the
 * dialect's escapes (MySQL backslashes; PostgreSQL standard strings, E'' strings, dollar quotes) and
 * only a replaced literal is written anew, escaped the same way.
 */
import { CELL_NUMERIC, CELL_VERBATIM, MAX_VALUE_CHARS, MaskInputError, newCounts, type CellRole, type CellSink, type FormatTransform } from './cell-sink';
import { OutputBuilder } from './output-builder';
import { SqlStatements } from './sql-statements';

export type SqlDialect = 'mysql' | 'postgres';

/** From the dump's first characters: pg_dump and mysqldump say who wrote them; backticks mean MySQL. */
export function detectSqlDialect(head: string): SqlDialect {
  if (/PostgreSQL database dump|standard_conforming_strings|pg_dump/i.test(head)) return 'postgres';
  if (/MySQL dump|MariaDB dump|`|\\'/.test(head)) return 'mysql';
  return 'postgres';
}

const MYSQL_ESCAPES: Record<string, string> = { '0': '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a' };
const C_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const C_ESCAPE_LETTERS: Record<string, string> = { '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't' };
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const WORD_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

type StringStyle = 'mysql' | 'standard' | 'escape' | 'ident' | 'backtick' | 'binary';

/** Index after the closing quote of the literal opening at `start`, or -1 when it does not close in `text`. */
function closeOf(text: string, start: number, quote: string, backslash: boolean): number {
  for (let j = start + 1; j < text.length; j++) {
    const c = text.charAt(j);
    if (backslash && c === '\\') {
      j++;
      continue;
    }
    if (c === quote) {
      if (j + 1 >= text.length) return -2; // a doubled quote may follow in the next piece
      if (text.charAt(j + 1) === quote) {
        j++;
        continue;
      }
      return j + 1;
    }
  }
  return -1;
}

function decodeString(inner: string, quote: string, style: StringStyle): string {
  const doubled = quote + quote;
  if (style !== 'mysql' && style !== 'escape') return inner.includes(quote) ? inner.split(doubled).join(quote) : inner;
  if (!inner.includes('\\') && !inner.includes(quote)) return inner;
  let out = '';
  for (let j = 0; j < inner.length; j++) {
    const c = inner.charAt(j);
    if (c === quote) {
      out += quote;
      j++; // the second of a doubled quote
      continue;
    }
    if (c !== '\\' || j + 1 >= inner.length) {
      out += c;
      continue;
    }
    const e = inner.charAt(++j);
    if (style === 'mysql') {
      // \% and \_ keep their backslash (LIKE patterns); other unknown escapes are the character.
      out += MYSQL_ESCAPES[e] ?? (e === '%' || e === '_' ? `\\${e}` : e);
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(inner.slice(j, j + 3));
    const hex = e === 'x' ? /^[0-9a-fA-F]{1,2}/.exec(inner.slice(j + 1, j + 3)) : null;
    const unicode = e === 'u' || e === 'U' ? new RegExp(`^[0-9a-fA-F]{${e === 'u' ? 4 : 8}}`).exec(inner.slice(j + 1, j + (e === 'u' ? 5 : 9))) : null;
    if (octal) {
      out += String.fromCharCode(parseInt(octal[0], 8));
      j += octal[0].length - 1;
    } else if (hex) {
      out += String.fromCharCode(parseInt(hex[0], 16));
      j += hex[0].length;
    } else if (unicode) {
      out += String.fromCodePoint(parseInt(unicode[0], 16));
      j += unicode[0].length;
    } else out += C_ESCAPES[e] ?? e;
  }
  return out;
}

function encodeString(value: string, quote: string, style: StringStyle): string {
  if (style === 'mysql') {
    // Ctrl-Z (0x1a) is escaped as \Z, as mysqldump writes it.
    return value.replace(/[\\'"\0\n\r]/g, (c) => (c === '\0' ? '\\0' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`)).split('\x1a').join('\\Z');
  }
  if (style === 'escape') return value.replace(/[\\'\b\f\n\r\t]/g, (c) => (c === "'" ? "''" : `\\${C_ESCAPE_LETTERS[c] ?? c}`));
  return value.split(quote).join(quote + quote);
}

const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

function decodeCopyField(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))/g, (_m, octal?: string, hex?: string, other?: string) =>
    octal ? String.fromCharCode(parseInt(octal, 8)) : hex ? String.fromCharCode(parseInt(hex, 16)) : (COPY_ESCAPES[other ?? ''] ?? other ?? ''));
}

const encodeCopyField = (value: string): string => value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));

export function createSqlTransform(sink: CellSink, options: { dialect: SqlDialect; emit: boolean; maxValueChars?: number }): FormatTransform {
  const { dialect } = options;
  const maxValue = options.maxValueChars ?? MAX_VALUE_CHARS;
  const counts = newCounts();
  const statements = new SqlStatements(sink, counts);
  let carry = '';
  let copyMode = false;

  function valueCell(text: string, flags: number): string | undefined {
    const { table, column } = statements.where();
    const role: CellRole = column === undefined ? 'text' : 'data';
    statements.value();
    return sink.cell(table, column ?? 'text', counts.lines, role, text, flags);
  }

  const out = new OutputBuilder();

  function run(text: string, final: boolean): string {
    let copyFrom = 0;
    let i = 0;
    const n = text.length;
    const replace = (start: number, end: number, replacement: string): void => {
      if (!options.emit) return;
      out.add(text.slice(copyFrom, start));
      out.add(replacement);
      copyFrom = end;
    };
    const countLines = (from: number, to: number): void => {
      for (let k = text.indexOf('\n', from); k !== -1 && k < to; k = text.indexOf('\n', k + 1)) counts.lines++;
    };
    const tooLong = (): never => {
      throw new MaskInputError('value-too-long', { line: counts.lines }, `a literal or comment on line ${counts.lines} is longer than ${maxValue} characters (a quote left open?)`);
    };
    while (i < n) {
      if (copyMode) {
        const newline = text.indexOf('\n', i);
        if (newline < 0 && !final) break;
        const lineEnd = newline < 0 ? n : newline;
        const line = text.slice(i, lineEnd);
        if (line.length > maxValue) tooLong();
        if (line === '\\.' || line === '\\.\r') copyMode = false;
        else {
          counts.rows++;
          let fieldStart = i;
          let column = 0;
          while (fieldStart <= lineEnd) {
            let fieldEnd = text.indexOf('\t', fieldStart);
            if (fieldEnd < 0 || fieldEnd > lineEnd) fieldEnd = lineEnd;
            const endsWithCr = fieldEnd === lineEnd && text.charAt(lineEnd - 1) === '\r';
            const raw = text.slice(fieldStart, endsWithCr ? lineEnd - 1 : fieldEnd);
            if (raw !== '\\N' && raw !== '') {
              const value = decodeCopyField(raw);
              const replacement = sink.cell(statements.copyTable, statements.copyColumn(column), counts.lines, 'data', value, value === raw ? CELL_VERBATIM : 0);
              if (replacement !== undefined && replacement !== value) replace(fieldStart, fieldStart + raw.length, encodeCopyField(replacement));
            }
            column++;
            fieldStart = fieldEnd + 1;
          }
        }
        if (newline >= 0) counts.lines++;
        i = newline < 0 ? n : newline + 1;
        continue;
      }
      const c = text.charAt(i);
      if (c === ' ' || c === '\t' || c === '\r') {
        i++;
        continue;
      }
      if (c === '\n') {
        counts.lines++;
        i++;
        if (statements.copyPending) {
          statements.copyPending = false;
          copyMode = true;
        }
        continue;
      }
      const next = text.charAt(i + 1);
      // Comments: free text.
      const lineComment = (c === '-' && next === '-' && (dialect === 'postgres' || /[\s]/.test(text.charAt(i + 2)) || i + 2 >= n)) || (c === '#' && dialect === 'mysql');
      if (lineComment || (c === '/' && next === '*')) {
        if (i + 2 >= n && !final) break;
        const close = lineComment ? text.indexOf('\n', i) : text.indexOf('*/', i + 2);
        if (close < 0 && !final) {
          if (n - i > maxValue) tooLong();
          break;
        }
        if (close < 0 && !lineComment) throw new MaskInputError('sql-unterminated', { line: counts.lines }, `a comment starting on line ${counts.lines} is never closed`);
        const innerStart = i + (c === '#' ? 1 : 2);
        const innerEnd = close < 0 ? n : close;
        const inner = text.slice(innerStart, innerEnd);
        const replacement = sink.cell('', 'text', counts.lines, 'text', inner, CELL_VERBATIM);
        if (replacement !== undefined && replacement !== inner) replace(innerStart, innerEnd, replacement);
        countLines(i, innerEnd);
        i = lineComment ? innerEnd : innerEnd + 2;
        continue;
      }
      if ((c === '-' || c === '/' || c === '$') && i + 1 >= n && !final) break; // may start a comment or a dollar quote
      // Quoted strings and identifiers.
      let quoteAt = -1;
      let style: StringStyle = 'standard';
      if (c === "'") {
        quoteAt = i;
        style = dialect === 'mysql' ? 'mysql' : 'standard';
      } else if (c === '"') {
        quoteAt = i;
        style = dialect === 'mysql' ? 'mysql' : 'ident';
      } else if (c === '`') {
        quoteAt = i;
        style = 'backtick';
      }
      if (quoteAt < 0 && /[A-Za-z_\u0080-\uffff]/.test(c)) {
        let j = i + 1;
        while (j < n && WORD_CHAR.test(text.charAt(j))) j++;
        if (j >= n && !final) break;
        const word = text.slice(i, j);
        if (text.charAt(j) === "'" && j - i === 1 && /[EeXxBbNn]/.test(c)) {
          // E'…' (PostgreSQL escapes), X'…' and B'…' (hex and bit strings: not text), N'…' (national).
          quoteAt = j;
          style = /[Ee]/.test(c) ? (dialect === 'postgres' ? 'escape' : 'mysql') : /[XxBb]/.test(c) ? 'binary' : dialect === 'mysql' ? 'mysql' : 'standard';
        } else {
          statements.token('word', word);
          i = j;
          continue;
        }
      }
      if (quoteAt >= 0) {
        const quote = text.charAt(quoteAt);
        const end = closeOf(text, quoteAt, quote, style === 'mysql' || style === 'escape');
        if (end < 0) {
          if (!final) {
            if (n - i > maxValue) tooLong();
            break;
          }
          if (end === -1) throw new MaskInputError('sql-unterminated', { line: counts.lines }, `a quoted string or name starting on line ${counts.lines} is never closed`);
        }
        const close = end < 0 ? n : end;
        const inner = text.slice(quoteAt + 1, close - 1);
        if (style === 'ident' || style === 'backtick') statements.token('ident', inner.split(quote + quote).join(quote));
        else if (style === 'binary') statements.value();
        else {
          const value = decodeString(inner, quote, style);
          const replacement = valueCell(value, value === inner ? CELL_VERBATIM : 0);
          if (replacement !== undefined && replacement !== value) replace(quoteAt + 1, close - 1, encodeString(replacement, quote, style));
        }
        countLines(quoteAt, close);
        i = close;
        continue;
      }
      if (c === '$' && dialect === 'postgres') {
        const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 66));
        if (tag) {
          const close = text.indexOf(tag[0], i + tag[0].length);
          if (close < 0) {
            if (!final) {
              if (n - i > maxValue) tooLong();
              break;
            }
            throw new MaskInputError('sql-unterminated', { line: counts.lines }, `a dollar-quoted string starting on line ${counts.lines} is never closed`);
          }
          const innerStart = i + tag[0].length;
          const inner = text.slice(innerStart, close);
          const replacement = valueCell(inner, CELL_VERBATIM);
          if (replacement !== undefined && replacement !== inner && !replacement.includes(tag[0])) replace(innerStart, close, replacement);
          countLines(i, close);
          i = close + tag[0].length;
          continue;
        }
      }
      if ((c >= '0' && c <= '9') || (c === '.' && next >= '0' && next <= '9')) {
        if (c === '0' && (next === 'x' || next === 'X')) {
          let j = i + 2;
          while (j < n && /[0-9a-fA-F]/.test(text.charAt(j))) j++;
          if (j >= n && !final) break;
          statements.value();
          i = j;
          continue;
        }
        NUMBER.lastIndex = i;
        const match = NUMBER.exec(text);
        const j = i + (match?.[0].length ?? 1);
        if (j >= n && !final) break;
        if (WORD_CHAR.test(text.charAt(j)) && text.charAt(j) !== '$') {
          // A name that starts with digits (MySQL allows it).
          let k = j;
          while (k < n && WORD_CHAR.test(text.charAt(k))) k++;
          if (k >= n && !final) break;
          statements.token('word', text.slice(i, k));
          i = k;
          continue;
        }
        const token = text.slice(i, j);
        const replacement = valueCell(token, CELL_NUMERIC | CELL_VERBATIM);
        if (replacement !== undefined && replacement !== token) replace(i, j, replacement);
        i = j;
        continue;
      }
      statements.token('punct', c);
      i++;
      continue;
    }
    carry = text.slice(i);
    if (options.emit) out.add(text.slice(copyFrom, i));
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
      carry = '';
      return out;
    },
  };
}
