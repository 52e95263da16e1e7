/**
 * Fonts as the text extractor needs them: how shown bytes split into character codes, what text each
 * code stands for, and how far it advances (so words and values on a line can be told apart).
 * Simple fonts: one byte per code, text from their ToUnicode map or else Latin-1 (as before).
 * Type0 (composite) fonts: Identity-H/V two-byte codes or an embedded CMap's codespaces, text from
 * ToUnicode; the predefined Unicode (UCS2/UTF16) and GB/Big5 CMaps are decoded directly.
 */
import type { PdfDocument } from './pdf-objects';
import { parseToUnicode, splitCodes, type ToUnicodeMap } from './pdf-cmap';
import { PdfStream, type PdfDict, type PdfValue } from './pdf-syntax';

export interface ShownText {
  text: string;
  /** Sum of the glyph widths, in thousandths of the font size. */
  width: number;
  codes: number;
  /** Single-byte codes 32, which word spacing (Tw) widens. */
  spaces: number;
  /** Codes of a composite font that no map turns into text. */
  unmapped: number;
}

export interface PdfFont {
  show(bytes: Buffer): ShownText;
}

/** Explicit widths kept per font, and `first last w` ranges searched; the rest fall back to the default width. */
const MAX_WIDTH_ENTRIES = 65_536;
const MAX_WIDTH_RANGES = 1024;

const toUnicodeCache = new WeakMap<PdfStream, ToUnicodeMap | undefined>();

function toUnicodeOf(doc: PdfDocument, font: PdfDict): ToUnicodeMap | undefined {
  const stream = doc.resolve(font.get('ToUnicode'));
  if (!(stream instanceof PdfStream)) return undefined;
  if (toUnicodeCache.has(stream)) return toUnicodeCache.get(stream);
  const bytes = doc.decode(stream);
  const map = bytes ? parseToUnicode(bytes) : undefined;
  toUnicodeCache.set(stream, map);
  return map;
}

const numberOr = (v: PdfValue | undefined, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

function simpleFont(doc: PdfDocument, font: PdfDict): PdfFont {
  const toUnicode = toUnicodeOf(doc, font);
  const first = numberOr(doc.resolve(font.get('FirstChar')), 0);
  const widthsValue = doc.resolve(font.get('Widths'));
  const widths = Array.isArray(widthsValue) ? widthsValue.slice(0, 256).map((w) => numberOr(doc.resolve(w), 0)) : [];
  const matrix = doc.resolve(font.get('FontMatrix'));
  // Type3 widths are in glyph space; its FontMatrix (usually 0.001) scales them to text space.
  const scale = font.get('Subtype') === 'Type3' && Array.isArray(matrix) ? Math.abs(numberOr(matrix[0], 0.001)) * 1000 : 1;
  const missing = numberOr(doc.dict(font.get('FontDescriptor'))?.get('MissingWidth'), widths.length > 0 ? 0 : 500);
  return {
    show(bytes) {
      let text = '';
      let width = 0;
      let spaces = 0;
      for (const code of bytes) {
        text += toUnicode?.lookup(code) ?? String.fromCharCode(code);
        width += (widths[code - first] ?? missing) * scale;
        if (code === 32) spaces++;
      }
      return { text, width, codes: bytes.length, spaces, unmapped: 0 };
    },
  };
}

/** CID widths from the descendant font's /W array: `c [w1 w2 …]` and `cFirst cLast w`. */
function cidWidths(doc: PdfDocument, descendant: PdfDict | undefined): (cid: number) => number {
  const fallback = numberOr(doc.resolve(descendant?.get('DW')), 1000);
  const w = doc.resolve(descendant?.get('W'));
  const single = new Map<number, number>();
  const ranges: [number, number, number][] = [];
  if (Array.isArray(w)) {
    for (let i = 0; i + 1 < w.length && single.size + ranges.length < MAX_WIDTH_ENTRIES; ) {
      const first = doc.resolve(w[i]);
      const next = doc.resolve(w[i + 1]);
      if (typeof first !== 'number') break;
      if (Array.isArray(next)) {
        next.slice(0, MAX_WIDTH_ENTRIES).forEach((value, k) => single.set(first + k, numberOr(doc.resolve(value), fallback)));
        i += 2;
      } else {
        if (ranges.length < MAX_WIDTH_RANGES) ranges.push([first, numberOr(next, first), numberOr(doc.resolve(w[i + 2]), fallback)]);
        i += 3;
      }
    }
  }
  return (cid) => single.get(cid) ?? ranges.find(([lo, hi]) => cid >= lo && cid <= hi)?.[2] ?? fallback;
}

/** Predefined CMaps whose codes are a known text encoding, so no ToUnicode map is needed. */
function predefinedDecoder(encoding: string): { decode(bytes: Buffer): string } | undefined {
  if (/^Uni\w*-(?:UCS2|UTF16)-[HV]$/.test(encoding)) return new TextDecoder('utf-16be');
  if (/^GB/.test(encoding)) return new TextDecoder('gb18030');
  if (/^(?:B5|ETen|HKscs)/.test(encoding)) return new TextDecoder('big5');
  return undefined;
}

function compositeFont(doc: PdfDocument, font: PdfDict): PdfFont {
  const toUnicode = toUnicodeOf(doc, font);
  const descendants = doc.resolve(font.get('DescendantFonts'));
  const widthOf = cidWidths(doc, doc.dict(Array.isArray(descendants) ? descendants[0] : undefined));
  const encoding = doc.resolve(font.get('Encoding'));
  const identity = encoding === 'Identity-H' || encoding === 'Identity-V';
  // An embedded encoding CMap says how bytes split into codes; its CIDs are not text, so ToUnicode still decides that.
  const encodingCodespaces = encoding instanceof PdfStream ? parseToUnicode(doc.decode(encoding) ?? Buffer.alloc(0)).codespaces : undefined;
  const decoder = typeof encoding === 'string' && !toUnicode ? predefinedDecoder(encoding) : undefined;
  if (decoder) {
    return {
      show(bytes) {
        const text = decoder.decode(bytes);
        return { text, width: text.length * 1000, codes: text.length, spaces: 0, unmapped: 0 };
      },
    };
  }
  const codespaces = identity ? [] : encodingCodespaces ?? toUnicode?.codespaces ?? [];
  return {
    show(bytes) {
      let text = '';
      let width = 0;
      let codes = 0;
      let unmapped = 0;
      splitCodes(bytes, codespaces, 2, (code) => {
        codes++;
        const mapped = toUnicode?.lookup(code);
        if (mapped === undefined) unmapped++;
        else text += mapped;
        width += identity ? widthOf(code) : 1000;
      });
      return { text, width, codes, spaces: 0, unmapped };
    },
  };
}

const fontCache = new WeakMap<PdfDict, PdfFont>();

/** The font a `Tf` names, from a font dictionary (cached per dictionary). */
export function loadFont(doc: PdfDocument, fontDict: PdfDict): PdfFont {
  const cached = fontCache.get(fontDict);
  if (cached) return cached;
  const font = fontDict.get('Subtype') === 'Type0' ? compositeFont(doc, fontDict) : simpleFont(doc, fontDict);
  fontCache.set(fontDict, font);
  return font;
}
