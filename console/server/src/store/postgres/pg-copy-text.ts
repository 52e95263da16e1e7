import type { SqlParam } from '@dlp/shared/node';
import { encodeText } from '../stored-text';

/** A value of one COPY column: text, an integer, or NULL (the same values an INSERT binds). */
export type CopyValue = SqlParam;

/** What either the NUL encoding or COPY's escaping changes: one scan tells most values need neither. */
// eslint-disable-next-line no-control-regex -- NUL is one of the characters to find
const NEEDS_WORK = /[\\\t\n\r\u0000\uE000]/;
const COPY_SPECIAL = /[\\\t\n\r]/g;
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * One field of COPY's text format. Text first gets the same NUL encoding every bound parameter gets
 * (pg-statements.ts), so a row stored by COPY reads back exactly like one stored by INSERT. Then the
 * characters COPY gives a meaning are escaped: the delimiter (tab), the row end (newline, CR) and
 * the escape character itself, which also keeps a literal `\N` or `\.` from reading as NULL or end
 * of data. Every other character, control characters included, travels as it is.
 */
export function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') {
    // Columns fed numbers are BIGINT: anything else would be a bug upstream, not data to store.
    if (!Number.isSafeInteger(value)) throw new Error(`COPY integer column got ${String(value)}`);
    return String(value);
  }
  if (typeof value === 'bigint') return String(value);
  // No stored event column is binary; a Buffer here is a bug upstream.
  if (typeof value !== 'string') throw new Error('COPY text format got a binary value');
  if (!NEEDS_WORK.test(value)) return value;
  return encodeText(value).replace(COPY_SPECIAL, (c) => COPY_ESCAPES[c] ?? c);
}

/** One row of COPY's text format (tab-separated, newline-terminated). */
export function copyRow(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : '\t') + copyField(values[i] ?? null);
  return `${line}\n`;
}
