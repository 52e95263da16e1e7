/**
 * ToUnicode CMaps (ISO 32000-1 §9.10.3, Adobe TN 5411): which Unicode text each character code of a
 * font stands for. Ranges are kept as ranges and looked up by binary search, so `<0000> <FFFF>` costs
 * one entry, not 65,536. A malformed CMap keeps what was read before the damage.
 */
import { PdfKeyword, PdfLexer, PdfSyntaxError, type PdfValue } from './pdf-syntax';

/** One codespace range: codes of `bytes` bytes whose every byte lies within its bounds. */
interface CodespaceRange {
  bytes: number;
  low: number[];
  high: number[];
}

interface BfRange {
  lo: number;
  hi: number;
  /** `<lo> <hi> <dst>`: dst for lo, the last character incremented for each next code. */
  start?: string;
  /** `<lo> <hi> [<d0> <d1> …]`: one destination per code. */
  list?: (string | undefined)[];
}

/** Destinations longer than this are cut: a ligature is a few characters, not a page. */
const MAX_DESTINATION_UNITS = 32;
/** Codespace ranges beyond this many are ignored when splitting codes (real CMaps have a handful). */
const MAX_CODESPACES = 64;

export interface ToUnicodeMap {
  /** Bytes → codes with their lengths, by the codespace ranges (1 byte each if there are none). */
  readonly codespaces: readonly CodespaceRange[];
  lookup(code: number): string | undefined;
}

/** The text of a CMap destination: UTF-16BE (pairs and ligatures included); one byte is one Latin-1 character. */
function destination(bytes: Buffer): string {
  if (bytes.length === 1) return String.fromCharCode(bytes[0] as number);
  const units = bytes.subarray(0, MAX_DESTINATION_UNITS * 2 - (bytes.length % 2));
  return new TextDecoder('utf-16be').decode(units);
}

const codeOf = (bytes: Buffer): number | undefined => (bytes.length >= 1 && bytes.length <= 4 ? bytes.readUIntBE(0, bytes.length) : undefined);

class ParsedToUnicode implements ToUnicodeMap {
  readonly codespaces: CodespaceRange[] = [];
  readonly single = new Map<number, string>();
  readonly ranges: BfRange[] = [];

  lookup(code: number): string | undefined {
    const hit = this.single.get(code);
    if (hit !== undefined) return hit;
    // The last range starting at or below the code; a few before it in case ranges overlap.
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ranges[mid] as BfRange).lo <= code) lo = mid + 1;
      else hi = mid - 1;
    }
    for (let i = hi; i >= 0 && i > hi - 4; i--) {
      const range = this.ranges[i] as BfRange;
      if (code < range.lo || code > range.hi) continue;
      if (range.list) return range.list[code - range.lo];
      const start = range.start ?? '';
      const lastUnit = start.charCodeAt(start.length - 1);
      const prefix = start.slice(0, start.length - (start.length >= 2 && lastUnit >= 0xdc00 && lastUnit <= 0xdfff ? 2 : 1));
      const point = (start.codePointAt(prefix.length) ?? 0) + (code - range.lo);
      return point <= 0x10ffff ? prefix + String.fromCodePoint(point) : undefined;
    }
    return undefined;
  }
}

/** Parses a ToUnicode CMap stream's bytes. Never throws on bad input. */
export function parseToUnicode(bytes: Buffer): ToUnicodeMap {
  const map = new ParsedToUnicode();
  const lexer = new PdfLexer(bytes);
  let section: 'codespace' | 'bfchar' | 'bfrange' | undefined;
  let operands: PdfValue[] = [];
  try {
    for (;;) {
      const v = lexer.value(false);
      if (v === undefined) break;
      if (!(v instanceof PdfKeyword)) {
        if (section) operands.push(v);
        if (section === 'codespace' && operands.length === 2) addCodespace(map, operands);
        if (section === 'bfchar' && operands.length === 2) addBfChar(map, operands);
        if (section === 'bfrange' && operands.length === 3) addBfRange(map, operands);
        if (operands.length >= (section === 'bfrange' ? 3 : 2)) operands = [];
        continue;
      }
      const word = v.word;
      section = word === 'begincodespacerange' ? 'codespace' : word === 'beginbfchar' ? 'bfchar' : word === 'beginbfrange' ? 'bfrange' : word.startsWith('end') ? undefined : section;
      operands = [];
    }
  } catch (err) {
    if (!(err instanceof PdfSyntaxError)) throw err;
  }
  map.ranges.sort((a, b) => a.lo - b.lo);
  return map;
}

function addCodespace(map: ParsedToUnicode, [low, high]: PdfValue[]): void {
  if (!Buffer.isBuffer(low) || !Buffer.isBuffer(high) || low.length !== high.length || low.length < 1 || low.length > 4) return;
  if (map.codespaces.length >= MAX_CODESPACES) return;
  map.codespaces.push({ bytes: low.length, low: [...low], high: [...high] });
}

function addBfChar(map: ParsedToUnicode, [src, dst]: PdfValue[]): void {
  const code = Buffer.isBuffer(src) ? codeOf(src) : undefined;
  if (code !== undefined && Buffer.isBuffer(dst) && dst.length > 0) map.single.set(code, destination(dst));
}

function addBfRange(map: ParsedToUnicode, [loBytes, hiBytes, dst]: PdfValue[]): void {
  const lo = Buffer.isBuffer(loBytes) ? codeOf(loBytes) : undefined;
  const hi = Buffer.isBuffer(hiBytes) ? codeOf(hiBytes) : undefined;
  if (lo === undefined || hi === undefined || hi < lo) return;
  if (Buffer.isBuffer(dst) && dst.length > 0) map.ranges.push({ lo, hi, start: destination(dst) });
  else if (Array.isArray(dst)) {
    // Only as many codes as the array names: a short array cannot stand for a huge range.
    const list = dst.slice(0, hi - lo + 1).map((d) => (Buffer.isBuffer(d) && d.length > 0 ? destination(d) : undefined));
    map.ranges.push({ lo, hi: lo + list.length - 1, list });
  }
}

/** The codes in `bytes` by a map's codespaces: the shortest range that matches, else `fallback` bytes. */
export function splitCodes(bytes: Buffer, codespaces: readonly CodespaceRange[], fallback: number, each: (code: number, length: number) => void): void {
  if (codespaces.length === 0) {
    // Fixed-width codes (Identity-H: two bytes), the common case, without the range search.
    for (let pos = 0; pos < bytes.length; pos += fallback) {
      const length = Math.min(fallback, bytes.length - pos);
      each(bytes.readUIntBE(pos, length), length);
    }
    return;
  }
  for (let pos = 0; pos < bytes.length; ) {
    let length = 0;
    for (let n = 1; n <= 4 && length === 0 && pos + n <= bytes.length; n++) {
      for (const range of codespaces) {
        if (range.bytes !== n) continue;
        let inside = true;
        for (let i = 0; i < n && inside; i++) {
          const byte = bytes[pos + i] as number;
          inside = byte >= (range.low[i] as number) && byte <= (range.high[i] as number);
        }
        if (inside) {
          length = n;
          break;
        }
      }
    }
    if (length === 0) length = Math.min(fallback, bytes.length - pos);
    each(bytes.readUIntBE(pos, length), length);
    pos += length;
  }
}
