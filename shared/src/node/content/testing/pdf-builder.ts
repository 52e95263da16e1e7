/**
 * Hand-built PDFs for the extractor's edge cases: numbered objects written plainly or packed into a
 * Flate object stream, streams Flate-compressed or not, and a Type0 Identity-H font whose ToUnicode
 * CMap the test writes itself. Real-world PDFs come from Chromium in pdf-chromium.test.ts.
 */
import { deflateSync } from 'node:zlib';

export interface StreamObject {
  dict: string;
  data: Buffer | string;
  /** Flate-compress the data (the default). */
  flate?: boolean;
}

export interface PdfObjects {
  /** Object number → the object's text (a dictionary, array, number, `N 0 R` …) or a stream. */
  objects: Record<number, string | StreamObject>;
  /** Object number of the catalog. */
  root: number;
  /** Objects to pack into one object stream (numbered after the others), as PDF 1.5 writers do. */
  packed?: readonly number[];
}

export function buildObjectPdf({ objects, root, packed = [] }: PdfObjects): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const streamObject = (num: number, s: StreamObject): Buffer => {
    const raw = typeof s.data === 'string' ? Buffer.from(s.data, 'latin1') : s.data;
    const flate = s.flate ?? true;
    const body = flate ? deflateSync(raw) : raw;
    return Buffer.concat([Buffer.from(`${num} 0 obj\n<< ${s.dict} /Length ${body.length}${flate ? ' /Filter /FlateDecode' : ''} >>\nstream\n`, 'latin1'), body, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
  };
  const inStream: string[] = [];
  const offsets: string[] = [];
  let at = 0;
  for (const [key, value] of Object.entries(objects)) {
    const num = Number(key);
    if (packed.includes(num) && typeof value === 'string') {
      offsets.push(`${num} ${at}`);
      inStream.push(value);
      at += Buffer.byteLength(value, 'latin1') + 1;
      continue;
    }
    parts.push(typeof value === 'string' ? Buffer.from(`${num} 0 obj\n${value}\nendobj\n`, 'latin1') : streamObject(num, value));
  }
  if (inStream.length > 0) {
    const header = `${offsets.join(' ')}\n`;
    const containerNum = Math.max(...Object.keys(objects).map(Number)) + 1;
    const data = header + inStream.join('\n') + '\n';
    parts.push(streamObject(containerNum, { dict: `/Type /ObjStm /N ${inStream.length} /First ${Buffer.byteLength(header, 'latin1')}`, data }));
  }
  parts.push(Buffer.from(`trailer\n<< /Root ${root} 0 R /Size ${Object.keys(objects).length + 2} >>\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
const utf16Hex = (text: string): string => Buffer.from(text, 'utf16le').swap16().toString('hex').toUpperCase();

/** Two-byte codes (CIDs) for text: each distinct character gets the next code from 1. */
export function assignCids(text: string): { cids: Map<string, number>; show: (t: string) => string } {
  const cids = new Map<string, number>();
  for (const ch of text) if (!cids.has(ch)) cids.set(ch, cids.size + 1);
  return { cids, show: (t) => `<${[...t].map((ch) => hex4(cids.get(ch) ?? 0)).join('')}>` };
}

/** A ToUnicode CMap with the given body (bfchar/bfrange sections), in the shape Skia and Word write. */
export function toUnicodeCMap(body: string, codespace = '<0000> <FFFF>'): string {
  return [
    '/CIDInit /ProcSet findresource begin', '12 dict begin', 'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def', '/CMapName /Adobe-Identity-UCS def', '/CMapType 2 def',
    `1 begincodespacerange\n${codespace}\nendcodespacerange`, body,
    'endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end',
  ].join('\n');
}

/** `beginbfchar` lines mapping each CID to its character (UTF-16BE, so astral ones become pairs). */
export function bfchars(cids: Map<string, number>): string {
  const lines = [...cids].map(([ch, cid]) => `<${hex4(cid)}> <${utf16Hex(ch)}>`);
  return `${lines.length} beginbfchar\n${lines.join('\n')}\nendbfchar`;
}

export { hex4, utf16Hex };

/**
 * A one-page PDF whose content uses font /F1: a Type0 Identity-H font with ToUnicode object 6 (unless
 * `toUnicode` is undefined), plus /F2, a simple Helvetica. `extra` adds or replaces objects.
 */
export function type0Pdf(content: string, toUnicode: string | undefined, extra: Record<number, string | StreamObject> = {}, packed: readonly number[] = []): Buffer {
  const objects: Record<number, string | StreamObject> = {
    1: '<< /Type /Catalog /Pages 2 0 R >>',
    2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    3: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 8 0 R >> >> /Contents 7 0 R >>',
    4: `<< /Type /Font /Subtype /Type0 /BaseFont /NotoSansCJK /Encoding /Identity-H /DescendantFonts [5 0 R]${toUnicode === undefined ? '' : ' /ToUnicode 6 0 R'} >>`,
    5: '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSansCJK /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>',
    7: { dict: '', data: content },
    8: '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  };
  if (toUnicode !== undefined) objects[6] = { dict: '', data: toUnicode };
  return buildObjectPdf({ root: 1, packed, objects: { ...objects, ...extra } });
}
