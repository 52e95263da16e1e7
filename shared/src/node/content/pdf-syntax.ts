/**
 * PDF object syntax (ISO 32000-1 §7.2–7.3): a lexer over bytes and a value parser, shared by the
 * file's objects, content streams and CMaps. Hostile input is bounded: nesting depth is capped and
 * every malformed construct ends as a PdfSyntaxError for its caller to skip, never a crash.
 */

export class PdfRef {
  constructor(readonly num: number) {}
}

/** A stream object: its dictionary and where its raw (still encoded) bytes are. */
export class PdfStream {
  constructor(readonly dict: PdfDict, readonly raw: Buffer) {}
}

/** Names are JS strings (without the slash); PDF strings are Buffers, since their bytes are codes. */
export type PdfValue = number | boolean | null | string | Buffer | PdfValue[] | PdfDict | PdfRef | PdfStream;
export type PdfDict = Map<string, PdfValue>;

/** An operator in a content stream or CMap (`Tj`, `beginbfchar`), or a keyword (`obj`, `R`). */
export class PdfKeyword {
  constructor(readonly word: string) {}
}

export class PdfSyntaxError extends Error {}

/** Keywords of up to three bytes (`Tj`, `TJ`, `Td`, `obj`, `R`…), keyed by their bytes; shared, as they are immutable. */
const SHORT_KEYWORDS = new Map<number, PdfKeyword>();
/** Names of up to five bytes, the same way. */
const SHORT_NAMES = new Map<number, string>();

const MAX_NESTING = 32;

const WHITE = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WHITE[c] = 1;
const DELIMITER = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIMITER[c.charCodeAt(0)] = 1;

const HEX_VALUE = new Uint8Array(256).fill(255);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;

const isDict = (v: unknown): v is PdfDict => v instanceof Map;
export { isDict };

type Token = PdfValue | PdfKeyword | '[' | ']' | '<<' | '>>' | '{' | '}';

/** Reads tokens and values from `bytes`, starting at `pos`. */
export class PdfLexer {
  constructor(readonly bytes: Buffer, public pos = 0) {}

  skipSpace(): void {
    const b = this.bytes;
    while (this.pos < b.length) {
      const c = b[this.pos] as number;
      if (WHITE[c]) this.pos++;
      else if (c === 0x25 /* % */) {
        while (this.pos < b.length && b[this.pos] !== 10 && b[this.pos] !== 13) this.pos++;
      } else return;
    }
  }

  /** The next token, or undefined at the end of the bytes. */
  token(): Token | undefined {
    this.skipSpace();
    const b = this.bytes;
    if (this.pos >= b.length) return undefined;
    const c = b[this.pos] as number;
    if (c === 0x2f /* / */) return this.name();
    if (c === 0x28 /* ( */) return this.literal();
    if (c === 0x3c /* < */) {
      if (b[this.pos + 1] === 0x3c) return (this.pos += 2), '<<';
      return this.hex();
    }
    if (c === 0x3e /* > */) {
      this.pos += b[this.pos + 1] === 0x3e ? 2 : 1;
      return '>>';
    }
    if (c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x29) {
      this.pos++;
      return c === 0x5b ? '[' : c === 0x5d ? ']' : c === 0x7b ? '{' : c === 0x7d ? '}' : new PdfKeyword(')');
    }
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      const n = this.number();
      if (n !== undefined) return n;
    }
    const start = this.pos;
    while (this.pos < b.length && !WHITE[b[this.pos] as number] && !DELIMITER[b[this.pos] as number]) this.pos++;
    return this.keyword(start, this.pos);
  }

  /** A number written as PDF allows (no exponent); undefined (position kept) when the word is not one. */
  private number(): number | undefined {
    const b = this.bytes;
    let p = this.pos;
    const negative = b[p] === 0x2d;
    if (b[p] === 0x2b || b[p] === 0x2d) p++;
    let value = 0;
    let digits = 0;
    let scale = 0;
    for (; p < b.length; p++) {
      const c = b[p] as number;
      if (c >= 0x30 && c <= 0x39) {
        value = value * 10 + (c - 0x30);
        digits++;
        if (scale) scale *= 10;
      } else if (c === 0x2e && !scale) scale = 1;
      else break;
    }
    if (digits === 0 || (p < b.length && !WHITE[b[p] as number] && !DELIMITER[b[p] as number])) return undefined;
    this.pos = p;
    const n = scale ? value / scale : value;
    return negative ? -n : n;
  }

  /** Operators repeat endlessly in content streams: short ones are made once. */
  private keyword(start: number, end: number): PdfKeyword | boolean | null {
    const b = this.bytes;
    if (end - start <= 3) {
      let key = end - start;
      for (let i = start; i < end; i++) key = key * 256 + (b[i] as number);
      const known = SHORT_KEYWORDS.get(key);
      if (known) return known;
      const made = new PdfKeyword(b.toString('latin1', start, end));
      if (SHORT_KEYWORDS.size < 4096) SHORT_KEYWORDS.set(key, made);
      return made;
    }
    const word = b.toString('latin1', start, end);
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    return new PdfKeyword(word);
  }

  private name(): string {
    const b = this.bytes;
    const start = ++this.pos;
    while (this.pos < b.length && !WHITE[b[this.pos] as number] && !DELIMITER[b[this.pos] as number]) this.pos++;
    const length = this.pos - start;
    if (length <= 5) {
      // Resource names (`F4`, `G3`, `Span`) repeat on every glyph in some producers' streams: made once.
      let key = length;
      for (let i = start; i < this.pos; i++) key = key * 256 + (b[i] as number);
      const known = SHORT_NAMES.get(key);
      if (known !== undefined) return known;
      const made = this.decodeName(start);
      if (SHORT_NAMES.size < 4096) SHORT_NAMES.set(key, made);
      return made;
    }
    return this.decodeName(start);
  }

  private decodeName(start: number): string {
    const raw = this.bytes.toString('latin1', start, this.pos);
    return raw.includes('#') ? raw.replace(/#([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))) : raw;
  }

  private literal(): Buffer {
    const b = this.bytes;
    const out: number[] = [];
    let depth = 1;
    this.pos++;
    while (this.pos < b.length) {
      let c = b[this.pos++] as number;
      if (c === 0x5c /* \ */) {
        c = b[this.pos++] ?? 0;
        const simple = ({ 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12 } as Record<number, number>)[c];
        if (simple !== undefined) out.push(simple);
        else if (c >= 0x30 && c <= 0x37) {
          let code = c - 0x30;
          for (let i = 0; i < 2 && (b[this.pos] ?? 0) >= 0x30 && (b[this.pos] ?? 0) <= 0x37; i++) code = code * 8 + ((b[this.pos++] as number) - 0x30);
          out.push(code & 0xff);
        } else if (c === 13) {
          if (b[this.pos] === 10) this.pos++; // a backslash before an end of line continues the string
        } else if (c !== 10) out.push(c);
        continue;
      }
      if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) break;
      out.push(c);
    }
    return Buffer.from(out);
  }

  private hex(): Buffer {
    const b = this.bytes;
    const end = b.indexOf(0x3e, this.pos);
    const stop = end === -1 ? b.length : end;
    const out = Buffer.allocUnsafe((stop - this.pos) >> 1);
    let length = 0;
    let high = -1;
    for (let p = this.pos + 1; p < stop; p++) {
      const d = HEX_VALUE[b[p] as number] as number;
      if (d === 255) continue; // white space (or junk) between digits
      if (high < 0) high = d;
      else {
        out[length++] = high * 16 + d;
        high = -1;
      }
    }
    if (high >= 0) out[length++] = high * 16; // an odd final digit is followed by 0, says the spec
    this.pos = stop + 1;
    return out.subarray(0, length);
  }

  /**
   * A complete value (arrays and dictionaries parsed whole). With `refs`, `N G R` is a reference, as
   * in the file body; content streams have none. A keyword comes back as is, for the caller.
   */
  value(refs: boolean, depth = 0): PdfValue | PdfKeyword | undefined {
    const t = this.token();
    if (t === '[' || t === '<<') {
      if (depth >= MAX_NESTING) throw new PdfSyntaxError('nesting too deep');
      return t === '[' ? this.array(refs, depth + 1) : this.dict(refs, depth + 1);
    }
    if (t === ']' || t === '>>' || t === '{' || t === '}') return new PdfKeyword(t);
    if (refs && typeof t === 'number' && Number.isInteger(t) && t >= 0) {
      const saved = this.pos;
      const gen = this.token();
      if (typeof gen === 'number' && Number.isInteger(gen)) {
        const r = this.token();
        if (r instanceof PdfKeyword && r.word === 'R') return new PdfRef(t);
      }
      this.pos = saved;
    }
    return t;
  }

  private array(refs: boolean, depth: number): PdfValue[] {
    const items: PdfValue[] = [];
    for (;;) {
      const v = this.value(refs, depth);
      if (v === undefined) throw new PdfSyntaxError('unterminated array');
      if (v instanceof PdfKeyword) {
        if (v.word === ']') return items;
        if (v.word === '>>') throw new PdfSyntaxError('unbalanced array');
        continue; // a stray operator inside an array is ignored, as readers do
      }
      items.push(v);
    }
  }

  private dict(refs: boolean, depth: number): PdfDict {
    const dict: PdfDict = new Map();
    for (;;) {
      const key = this.value(refs, depth);
      if (key === undefined) throw new PdfSyntaxError('unterminated dictionary');
      if (key instanceof PdfKeyword && key.word === '>>') return dict;
      if (typeof key !== 'string') throw new PdfSyntaxError('dictionary key is not a name');
      const v = this.value(refs, depth);
      if (v === undefined) throw new PdfSyntaxError('unterminated dictionary');
      if (v instanceof PdfKeyword) {
        if (v.word === '>>') return dict;
        throw new PdfSyntaxError(`unexpected ${v.word} in dictionary`);
      }
      dict.set(key, v);
    }
  }
}

/** A text string (ActualText, titles): UTF-16BE or UTF-8 with their BOMs, else PDFDocEncoding (≈ Latin-1). */
export function decodeTextString(bytes: Buffer): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  return bytes.toString('latin1');
}
