/**
 * JSON lines: one JSON value per line, streamed token by token so a long line costs no more memory
 * than its longest string. Strings and numbers go to the sink with their key path as the column
 * (`$.customer.idCard`, `$.phones[]`); keys go as free text (a key can be personal data too). Only
 * replaced tokens are written anew (JSON.stringify for strings); spacing and key order stay.
 */
import { CELL_NUMERIC, CELL_VERBATIM, MAX_VALUE_CHARS, MaskInputError, newCounts, type CellSink, type FormatTransform } from './cell-sink';
import { OutputBuilder } from './output-builder';

interface Frame {
  array: boolean;
  /** Path of this container. */
  path: string;
  /** The current member's path (objects). */
  member: string;
}

type Expect = 'line' | 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close' | 'eol';

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const MAX_KEY_IN_PATH = 64;

export function createJsonLinesTransform(sink: CellSink, options: { emit: boolean; maxValueChars?: number }): FormatTransform {
  const maxValue = options.maxValueChars ?? MAX_VALUE_CHARS;
  const counts = newCounts();
  const stack: Frame[] = [];
  let expect: Expect = 'line';
  let carry = '';

  const fail = (detail: string): never => {
    throw new MaskInputError('json-invalid', { line: counts.lines, detail }, `invalid JSON on line ${counts.lines}: ${detail}`);
  };
  const top = (): Frame | undefined => stack[stack.length - 1];
  const valuePath = (): string => {
    const frame = top();
    return frame ? (frame.array ? `${frame.path}[]` : frame.member) : '$';
  };
  const afterValue = (): void => {
    expect = stack.length === 0 ? 'eol' : 'comma-or-close';
  };

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
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        i++;
        continue;
      }
      if (c === 0x0a) {
        if (expect !== 'line' && expect !== 'eol') fail('the value is not complete at the end of the line');
        expect = 'line';
        counts.lines++;
        i++;
        continue;
      }
      if (c === 0x22) {
        // A string: find its closing quote (not escaped), never across a line break.
        let q = i + 1;
        let close = -1;
        for (;;) {
          q = text.indexOf('"', q);
          if (q < 0) break;
          let backslashes = 0;
          for (let k = q - 1; k > i && text.charCodeAt(k) === 0x5c; k--) backslashes++;
          if (backslashes % 2 === 0) {
            close = q;
            break;
          }
          q++;
        }
        if (close < 0) {
          if (final || text.indexOf('\n', i) >= 0) fail('a string is not closed on its line');
          if (n - i > maxValue) throw new MaskInputError('value-too-long', { line: counts.lines }, `a string on line ${counts.lines} is longer than ${maxValue} characters`);
          break;
        }
        const raw = text.slice(i, close + 1);
        if (raw.includes('\n')) fail('a line break inside a string');
        let value = '';
        const flags = raw.includes('\\') ? 0 : CELL_VERBATIM;
        try {
          value = flags === 0 ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        } catch {
          fail('a bad escape in a string');
        }
        if (expect === 'key' || expect === 'key-or-close') {
          const frame = top();
          if (frame) frame.member = `${frame.path}.${value.slice(0, MAX_KEY_IN_PATH)}`;
          const replacement = sink.cell('', '(key)', counts.lines, 'text', value, flags);
          if (replacement !== undefined && replacement !== value) replace(i, close + 1, JSON.stringify(replacement));
          expect = 'colon';
        } else if (expect === 'value' || expect === 'value-or-close' || expect === 'line') {
          if (expect === 'line') counts.rows++;
          const replacement = sink.cell('', valuePath(), counts.lines, 'data', value, flags);
          if (replacement !== undefined && replacement !== value) replace(i, close + 1, JSON.stringify(replacement));
          afterValue();
        } else {
          fail('a string where none may be');
        }
        i = close + 1;
        continue;
      }
      if (c === 0x2d || (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a)) {
        // A number or true/false/null: runs to the next delimiter.
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09 || d === 0x3a) break;
          j++;
        }
        if (j >= n && !final) break;
        if (expect !== 'value' && expect !== 'value-or-close' && expect !== 'line') fail('a value where none may be');
        if (expect === 'line') counts.rows++;
        const token = text.slice(i, j);
        if (c >= 0x61) {
          if (token !== 'true' && token !== 'false' && token !== 'null') fail(`unknown word "${token.slice(0, 16)}"`);
        } else {
          if (!NUMBER.test(token)) fail('a malformed number');
          const replacement = sink.cell('', valuePath(), counts.lines, 'data', token, CELL_NUMERIC | CELL_VERBATIM);
          if (replacement !== undefined && replacement !== token) replace(i, j, replacement);
        }
        afterValue();
        i = j;
        continue;
      }
      switch (c) {
        case 0x7b: // {
        case 0x5b: {
          // [
          if (expect !== 'value' && expect !== 'value-or-close' && expect !== 'line') fail('a bracket where none may be');
          if (expect === 'line') counts.rows++;
          const path = valuePath();
          stack.push({ array: c === 0x5b, path, member: path });
          expect = c === 0x5b ? 'value-or-close' : 'key-or-close';
          break;
        }
        case 0x7d: // }
        case 0x5d: {
          // ]
          const frame = top();
          const closes = frame && frame.array === (c === 0x5d);
          if (!closes || !(expect === 'comma-or-close' || expect === (frame.array ? 'value-or-close' : 'key-or-close'))) fail('a closing bracket where none may be');
          stack.pop();
          afterValue();
          break;
        }
        case 0x3a: // :
          if (expect !== 'colon') fail('a colon where none may be');
          expect = 'value';
          break;
        case 0x2c: {
          // ,
          const frame = top();
          if (expect !== 'comma-or-close' || !frame) fail('a comma where none may be');
          expect = frame?.array ? 'value' : 'key';
          break;
        }
        default:
          fail(`unexpected character "${text.charAt(i)}"`);
      }
      i++;
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
      if (expect !== 'line' && expect !== 'eol') fail('the file ends inside a value');
      return out;
    },
  };
}
