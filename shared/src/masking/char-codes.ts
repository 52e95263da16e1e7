/**
 * Generated values built as character codes: one reused array, made a string by one
 * String.fromCharCode per value, instead of a one-character string per character and a join (those
 * strings were most of a masked value's garbage). Each function draws exactly what the string
 * version drew, in the same order, so outputs stay byte-identical.
 */
import type { DrawStream } from './draw-stream';
import { GIVEN_NAME_CHARACTERS, SURNAMES } from './name-characters';

export const UPPER = 'ABCDEFGHIJKLMNPQRSTUVWXYZ';
export const LOWER = 'abcdefghijkmnpqrstuvwxyz';

/** A character of the same class (digit, upper or lower letter, Chinese character) as a code; others are kept. */
export function sameClassCode(code: number, draw: DrawStream, position: number): number {
  if (code >= 48 && code <= 57) return position === 0 && code !== 48 ? 49 + draw.below(9) : 48 + draw.below(10);
  if (code >= 65 && code <= 90) return UPPER.charCodeAt(draw.below(UPPER.length));
  if (code >= 97 && code <= 122) return LOWER.charCodeAt(draw.below(LOWER.length));
  // CJK's range, one UTF-16 unit each (as the names' characters are).
  if (code >= 0x3400 && code <= 0x9fff) return position === 0 ? SURNAMES.charCodeAt(draw.below(SURNAMES.length)) : GIVEN_NAME_CHARACTERS.charCodeAt(draw.below(GIVEN_NAME_CHARACTERS.length));
  return code;
}

/** Character codes of the value being made (reused: nothing is made while a value is). */
export const codes: number[] = [];
/** Longest value made in one String.fromCharCode call (its arguments go on the stack). */
const APPLY_MAX = 4096;

/** The first `length` codes as a string. */
export function codesToString(length: number): string {
  codes.length = length;
  if (length <= APPLY_MAX) return String.fromCharCode.apply(null, codes);
  let out = '';
  for (let at = 0; at < length; at += APPLY_MAX) out += String.fromCharCode.apply(null, codes.slice(at, at + APPLY_MAX));
  return out;
}

/** The kept characters as they are, every other one of the same class. */
export function shapeMasked(original: string, keep: readonly boolean[], draw: DrawStream): string {
  const n = original.length;
  for (let i = 0; i < n; i++) {
    const code = original.charCodeAt(i);
    codes[i] = keep[i] ? code : sameClassCode(code, draw, i);
  }
  return codesToString(n);
}

/** A mobile draft (1, a digit from 3, nine digits) with the kept characters of `original` laid over it. */
export function maskedMobile(original: string, keep: readonly boolean[], draw: DrawStream): string {
  codes[0] = 49;
  codes[1] = 51 + draw.below(7);
  for (let i = 2; i < 11; i++) codes[i] = 48 + draw.below(10);
  for (let i = 0; i < 11; i++) if (keep[i]) codes[i] = original.charCodeAt(i);
  return codesToString(11);
}
