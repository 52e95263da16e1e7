/**
 * The objects of a PDF file: every `N G obj … endobj` found by scanning the bytes (a damaged or
 * missing xref table does not matter), plus the objects packed in Flate object streams
 * (`/Type /ObjStm`, PDF 1.5+, as Chromium, Word and LibreOffice write). Streams are decoded on demand
 * within the PDF's inflate allowance; reaching it throws LimitReached for the extractor to report.
 */
import { constants, inflateSync } from 'node:zlib';
import { LimitReached } from './extraction-limits';
import { PdfKeyword, PdfLexer, PdfRef, PdfStream, PdfSyntaxError, isDict, type PdfDict, type PdfValue } from './pdf-syntax';

export interface PdfReadLimits {
  /** Bytes inflated from this PDF's streams, all together. */
  maxInflatedBytes: number;
  /** Called with each stream's inflated size (0 to check the clock); throws LimitReached to stop. */
  spend?: (inflatedBytes: number) => void;
}

/** Refs to refs are followed this far; a longer chain is a loop or an attack. */
const MAX_REF_HOPS = 16;

const OBJ_HEADER = /(\d+)\s+\d+\s+obj\b/g;

export class PdfDocument {
  private readonly objects = new Map<number, PdfValue>();
  readonly trailers: PdfDict[] = [];
  inflated = 0;

  /** `latin` is the file as Latin-1 text, when the caller already made it. */
  constructor(private readonly bytes: Buffer, readonly limits: PdfReadLimits, latin = bytes.toString('latin1')) {
    this.readBody(latin);
    this.readTrailers(latin);
    this.readObjectStreams();
  }

  get objectCount(): number {
    return this.objects.size;
  }

  /** Every object, for the fallback when the page tree cannot be followed. */
  *allObjects(): Iterable<PdfValue> {
    yield* this.objects.values();
  }

  /** The value behind `value`, following references (a missing object is undefined, as the spec says null). */
  resolve(value: PdfValue | undefined): PdfValue | undefined {
    let v = value;
    for (let hops = 0; v instanceof PdfRef; hops++) {
      if (hops >= MAX_REF_HOPS) return undefined;
      v = this.objects.get(v.num);
    }
    return v;
  }

  dict(value: PdfValue | undefined): PdfDict | undefined {
    const v = this.resolve(value);
    return v instanceof PdfStream ? v.dict : isDict(v) ? v : undefined;
  }

  /** The catalog: from the last trailer (or xref stream) naming one, else any `/Type /Catalog`. */
  catalog(): PdfDict | undefined {
    for (let i = this.trailers.length - 1; i >= 0; i--) {
      const root = this.dict(this.trailers[i]?.get('Root'));
      if (root) return root;
    }
    for (const v of this.objects.values()) if (isDict(v) && v.get('Type') === 'Catalog') return v;
    return undefined;
  }

  /**
   * The decoded bytes of a stream: unfiltered or Flate. Other filters (images, DCT, LZW…) give
   * undefined, as does a corrupt stream; a truncated Flate stream gives what it holds.
   */
  decode(stream: PdfStream): Buffer | undefined {
    const filter = this.resolve(stream.dict.get('Filter'));
    const filters = Array.isArray(filter) ? filter.map((f) => this.resolve(f)) : filter === undefined || filter === null ? [] : [filter];
    if (filters.length === 0) return stream.raw;
    if (filters.length > 1 || (filters[0] !== 'FlateDecode' && filters[0] !== 'Fl')) return undefined;
    const remaining = this.limits.maxInflatedBytes - this.inflated;
    if (remaining <= 0) throw new LimitReached('max-entry-inflated');
    let out: Buffer;
    try {
      // SYNC_FLUSH returns what a truncated stream holds instead of failing, as PDF readers do.
      out = inflateSync(stream.raw, { maxOutputLength: remaining, finishFlush: constants.Z_SYNC_FLUSH });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new LimitReached('max-entry-inflated');
      return undefined;
    }
    this.inflated += out.length;
    this.limits.spend?.(out.length);
    return out;
  }

  private readBody(latin: string): void {
    OBJ_HEADER.lastIndex = 0;
    for (let m = OBJ_HEADER.exec(latin), seen = 0; m !== null; m = OBJ_HEADER.exec(latin)) {
      if (++seen % 4096 === 0) this.limits.spend?.(0);
      const lexer = new PdfLexer(this.bytes, m.index + m[0].length);
      let value: PdfValue | PdfKeyword | undefined;
      try {
        value = lexer.value(true);
      } catch (err) {
        if (err instanceof PdfSyntaxError) continue; // a damaged object: the others stay readable
        throw err;
      }
      if (value === undefined || value instanceof PdfKeyword) continue;
      const after = lexer.pos;
      const next = lexer.token();
      if (isDict(value) && next instanceof PdfKeyword && next.word === 'stream') {
        const stream = this.streamAt(value, lexer.pos);
        if (stream) {
          this.objects.set(Number(m[1]), stream.stream);
          OBJ_HEADER.lastIndex = stream.end;
          continue;
        }
      }
      this.objects.set(Number(m[1]), value);
      OBJ_HEADER.lastIndex = after;
    }
  }

  /** Stream data starts after the end of line that follows `stream`; /Length is trusted only if `endstream` is where it says. */
  private streamAt(dict: PdfDict, afterKeyword: number): { stream: PdfStream; end: number } | undefined {
    const b = this.bytes;
    let start = afterKeyword;
    if (b[start] === 13) start++;
    if (b[start] === 10) start++;
    const length = dict.get('Length');
    if (typeof length === 'number' && Number.isInteger(length) && length >= 0 && start + length <= b.length) {
      let p = start + length;
      while (p < b.length && (b[p] === 10 || b[p] === 13 || b[p] === 32)) p++;
      if (b.toString('latin1', p, p + 9) === 'endstream') return { stream: new PdfStream(dict, b.subarray(start, start + length)), end: p + 9 };
    }
    const endAt = b.indexOf('endstream', start, 'latin1');
    if (endAt === -1) return undefined;
    let end = endAt;
    if (b[end - 1] === 10) end--;
    if (b[end - 1] === 13) end--;
    return { stream: new PdfStream(dict, b.subarray(start, Math.max(start, end))), end: endAt + 9 };
  }

  private readTrailers(latin: string): void {
    const trailer = /trailer\s*<</g;
    for (let m = trailer.exec(latin); m !== null; m = trailer.exec(latin)) {
      try {
        const value = new PdfLexer(this.bytes, m.index + 'trailer'.length).value(true);
        if (isDict(value)) this.trailers.push(value);
      } catch (err) {
        if (!(err instanceof PdfSyntaxError)) throw err;
      }
    }
    // Cross-reference streams (PDF 1.5) carry the trailer's entries in their own dictionary.
    for (const v of this.objects.values()) if (v instanceof PdfStream && v.dict.get('Type') === 'XRef') this.trailers.push(v.dict);
  }

  /** Objects packed in object streams; one written plainly in the file takes precedence. */
  private readObjectStreams(): void {
    const containers = [...this.objects.values()].filter((v): v is PdfStream => v instanceof PdfStream && v.dict.get('Type') === 'ObjStm');
    for (const container of containers) {
      const count = container.dict.get('N');
      const first = container.dict.get('First');
      if (typeof count !== 'number' || typeof first !== 'number' || count < 0 || first < 0) continue;
      const data = this.decode(container);
      if (!data) continue;
      const header = new PdfLexer(data.subarray(0, Math.min(first, data.length)));
      for (let i = 0; i < count; i++) {
        const num = header.token();
        const offset = header.token();
        if (typeof num !== 'number' || typeof offset !== 'number') break;
        if (this.objects.has(num) || first + offset >= data.length) continue;
        try {
          const value = new PdfLexer(data, first + offset).value(true);
          if (value !== undefined && !(value instanceof PdfKeyword)) this.objects.set(num, value);
        } catch (err) {
          if (!(err instanceof PdfSyntaxError)) throw err;
        }
      }
    }
  }
}
