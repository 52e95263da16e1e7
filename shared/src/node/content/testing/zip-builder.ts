/**
 * Builds zip, docx, xlsx, pptx and PDF bytes in tests with node:zlib, so no fixture is a binary blob.
 * Options make the hostile cases: entries flagged encrypted, stored, or lying about their size.
 */
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';

export interface ZipInput {
  name: string;
  data: Buffer | string;
  stored?: boolean;
  encrypted?: boolean;
  /** Declared uncompressed size, when a test wants headers that lie (zip bombs). */
  declaredSize?: number;
}

/** `zip64`: sizes and offsets in zip64 extra fields and a zip64 end record, as tools write for big archives. */
export function buildZip(entries: readonly ZipInput[], options: { zip64?: boolean } = {}): Buffer {
  const zip64 = options.zip64 ?? false;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const raw = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    const body = entry.stored ? raw : deflateRawSync(raw);
    const name = Buffer.from(entry.name, 'utf8');
    const flags = 0x800 | (entry.encrypted ? 1 : 0);
    const method = entry.stored ? 0 : 8;
    const size = entry.declaredSize ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc32(raw), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc32(raw), 16);
    central.writeUInt32LE(zip64 ? 0xffffffff : body.length, 20);
    central.writeUInt32LE(zip64 ? 0xffffffff : size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(zip64 ? 0xffffffff : offset, 42);
    const extra = Buffer.alloc(zip64 ? 28 : 0);
    if (zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
      central.writeUInt16LE(extra.length, 30);
    }
    locals.push(local, name, body);
    centrals.push(central, name, extra);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : entries.length, 8);
  end.writeUInt16LE(zip64 ? 0xffff : entries.length, 10);
  end.writeUInt32LE(zip64 ? 0xffffffff : directory.length, 12);
  end.writeUInt32LE(zip64 ? 0xffffffff : offset, 16);
  if (!zip64) return Buffer.concat([...locals, directory, end]);
  const end64 = Buffer.alloc(56);
  end64.writeUInt32LE(0x06064b50, 0);
  end64.writeBigUInt64LE(44n, 4);
  end64.writeBigUInt64LE(BigInt(entries.length), 24);
  end64.writeBigUInt64LE(BigInt(entries.length), 32);
  end64.writeBigUInt64LE(BigInt(directory.length), 40);
  end64.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([...locals, directory, end64, locator, end]);
}

const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A docx whose paragraphs are given as runs (a value may be split over runs, as Word does). */
export function buildDocx(paragraphs: readonly (readonly string[])[]): Buffer {
  const body = paragraphs.map((runs) => `<w:p>${runs.map((r) => `<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">${escapeXml(r)}</w:t></w:r>`).join('')}</w:p>`).join('');
  return buildZip([
    { name: '[Content_Types].xml', data: CONTENT_TYPES },
    { name: 'word/document.xml', data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>` },
  ]);
}

/** An xlsx: strings go to the shared-string table, numbers stay numeric cells. */
export function buildXlsx(rows: readonly (readonly (string | number)[])[]): Buffer {
  const strings: string[] = [];
  const sheetRows = rows.map((cells, r) => `<row r="${r + 1}">${cells.map((cell) => {
    if (typeof cell === 'number') return `<c><v>${cell}</v></c>`;
    strings.push(cell);
    return `<c t="s"><v>${strings.length - 1}</v></c>`;
  }).join('')}</row>`).join('');
  return buildZip([
    { name: '[Content_Types].xml', data: CONTENT_TYPES },
    { name: 'xl/workbook.xml', data: '<workbook><sheets><sheet name="客户" sheetId="1"/></sheets></workbook>' },
    { name: 'xl/sharedStrings.xml', data: `<sst count="${strings.length}">${strings.map((s) => `<si><t>${escapeXml(s)}</t></si>`).join('')}</sst>` },
    { name: 'xl/worksheets/sheet1.xml', data: `<worksheet><sheetData>${sheetRows}</sheetData></worksheet>` },
  ]);
}

export function buildPptx(slides: readonly string[]): Buffer {
  return buildZip([
    { name: '[Content_Types].xml', data: CONTENT_TYPES },
    { name: 'ppt/presentation.xml', data: '<p:presentation/>' },
    ...slides.map((text, i) => ({ name: `ppt/slides/slide${i + 1}.xml`, data: `<p:sld><p:txBody><a:p><a:r><a:t>${escapeXml(text)}</a:t></a:r></a:p></p:txBody></p:sld>` })),
  ]);
}

/** A one-page PDF whose content stream shows `lines` (Flate-compressed unless `plain`). */
export function buildPdf(lines: readonly string[], options: { plain?: boolean; encrypted?: boolean } = {}): Buffer {
  const escapePdf = (t: string): string => t.replace(/[\\()]/g, '\\$&');
  const content = `BT /F1 12 Tf 72 720 Td ${lines.map((l) => `(${escapePdf(l)}) Tj 0 -14 Td`).join(' ')} ET`;
  const stream = options.plain ? Buffer.from(content, 'latin1') : deflateSync(Buffer.from(content, 'latin1'));
  const filter = options.plain ? '' : ' /Filter /FlateDecode';
  return Buffer.concat([
    Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n4 0 obj << /Length ${stream.length}${filter} >>\nstream\n`, 'latin1'),
    stream,
    Buffer.from(`\nendstream\nendobj\ntrailer << /Root 1 0 R${options.encrypted ? ' /Encrypt 5 0 R' : ''} >>\n%%EOF\n`, 'latin1'),
  ]);
}

let gbTable: Map<string, Buffer> | undefined;

/** GB18030 bytes for text of ASCII and two-byte GBK characters (built from Node's own decoder). */
export function encodeGb18030(text: string): Buffer {
  if (!gbTable) {
    gbTable = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const bytes = Buffer.from([lead, trail]);
        const ch = decoder.decode(bytes);
        if (ch.length === 1 && ch !== '\ufffd' && !gbTable.has(ch)) gbTable.set(ch, bytes);
      }
    }
  }
  const table = gbTable;
  return Buffer.concat([...text].map((ch) => (ch.charCodeAt(0) < 0x80 ? Buffer.from(ch, 'latin1') : (table.get(ch) ?? Buffer.from('?')))));
}
