/**
 * Test helpers for `dlp mask`: generated customer data in each format, xlsx workbooks built with the
 * command's own zip writer (read back by independent tools in the tests), and cells read back.
 */
import { readFile } from 'node:fs/promises';
import { createPiiGenerator, createSharedStringsTransform, createSheetTransform, encodeXmlText, type CellSink, type PiiGenerator } from '@dlp/shared';
import { openFileSource, readZipDirectory, readZipEntry, ExtractionBudget, DEFAULT_EXTRACTION_LIMITS, bufferSource } from '@dlp/shared/node';
import { ZipWriter } from './mask-zip-writer';

export interface Customers {
  header: string[];
  rows: string[][];
  /** Raw personal values planted (resident IDs, mobiles, cards, credit codes, emails). */
  raw: string[];
  /** Columns that hold no personal data (order number, timestamp, loyalty card, amount). */
  plainColumns: number[];
}

/** A customer table; column 1 is a name, 2–6 personal data, 7–10 distractors. */
export function customers(rows: number, seed = 1, g: PiiGenerator = createPiiGenerator(seed)): Customers {
  const header = ['序号', '客户姓名', '身份证号', '手机', '银行卡号', '统一社会信用代码', '邮箱', '订单号', '下单时间', '会员卡号', '金额'];
  const raw: string[] = [];
  const out: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const values = [g.residentId(), g.mobile(), g.bankCard(), g.uscc(), g.email()];
    raw.push(...values);
    out.push([String(i + 1), g.pick(['张伟', '王芳', '欧阳娜娜', '李强']), ...values, g.orderNumber(), g.timestamp(), g.luhnValidNonCard(), `${g.int(10_000)}.${10 + g.int(90)}`]);
  }
  return { header, rows: out, raw, plainColumns: [0, 7, 8, 9, 10] };
}

export const toCsv = (c: Customers, delimiter = ','): string => [c.header, ...c.rows].map((r) => r.join(delimiter)).join('\r\n') + '\r\n';

const WORKBOOK = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>';
const WORKBOOK_RELS = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>';
const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>';

const column = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : String.fromCharCode(64 + Math.floor(i / 26)) + String.fromCharCode(65 + (i % 26)));

/** An xlsx: text cells in the shared-string table (or inline with `inline`), all-digit strings of up to 15 digits as numbers. */
export async function buildWorkbook(table: string[][], options: { inline?: boolean; zip64Threshold?: number } = {}): Promise<Buffer> {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const rows = table.map((cells, r) => `<row r="${r + 1}">${cells.map((cell, c) => {
    const ref = `${column(c)}${r + 1}`;
    if (/^[1-9]\d{0,14}$/.test(cell)) return `<c r="${ref}"><v>${cell}</v></c>`;
    if (options.inline) return `<c r="${ref}" t="inlineStr"><is><t>${encodeXmlText(cell)}</t></is></c>`;
    let at = index.get(cell);
    if (at === undefined) {
      at = strings.push(cell) - 1;
      index.set(cell, at);
    }
    return `<c r="${ref}" t="s"><v>${at}</v></c>`;
  }).join('')}</row>`).join('');
  const parts: [string, string][] = [
    ['[Content_Types].xml', CONTENT_TYPES],
    ['xl/workbook.xml', WORKBOOK],
    ['xl/_rels/workbook.xml.rels', WORKBOOK_RELS],
    ['xl/worksheets/sheet1.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`],
    ['xl/sharedStrings.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t>${encodeXmlText(s)}</t></si>`).join('')}</sst>`],
  ];
  const chunks: Buffer[] = [];
  const writer = new ZipWriter({ write: async (b) => void chunks.push(Buffer.from(b)) }, options.zip64Threshold);
  for (const [name, text] of parts) {
    await writer.addDeflated(name, { time: 0, date: 0x5821 }, (async function* () { yield Buffer.from(text, 'utf8'); })(), options.zip64Threshold !== undefined);
  }
  await writer.finish();
  return Buffer.concat(chunks);
}

async function partText(bytes: Buffer, name: string): Promise<string | undefined> {
  const source = bufferSource(bytes);
  const directory = await readZipDirectory(source, 1000);
  if (!directory.ok) throw new Error(directory.detail);
  const entry = directory.entries.find((e) => e.name === name);
  if (!entry) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of readZipEntry(source, entry, new ExtractionBudget(DEFAULT_EXTRACTION_LIMITS))) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The first sheet's cells as text (shared strings resolved), row by row. */
export async function readWorkbookCells(path: string): Promise<string[][]> {
  const bytes = await readFile(path);
  const strings: string[] = [];
  const sst = createSharedStringsTransform((_i, text) => void strings.push(text), { emit: false });
  sst.push((await partText(bytes, 'xl/sharedStrings.xml')) ?? '');
  sst.end();
  const table: string[][] = [];
  const put = (columnIndex: number, row: number, value: string): void => {
    const cells = (table[row - 1] ??= []);
    cells[columnIndex] = value;
  };
  const sink: CellSink = {
    columns: () => undefined,
    cell: (_t, c, row, role, value) => {
      if (role !== 'text' && typeof c === 'number') put(c, row, value);
      return undefined;
    },
  };
  const sheet = createSheetTransform(sink, '', { emit: false, onSharedString: (c, row, _role, i) => put(c, row, strings[i] ?? '') });
  sheet.push((await partText(bytes, 'xl/worksheets/sheet1.xml')) ?? '');
  sheet.end();
  return table;
}

/** Names of the parts of a zip file, in order. */
export async function zipEntries(path: string): Promise<string[]> {
  const source = await openFileSource(path);
  try {
    const directory = await readZipDirectory(source, 1000);
    if (!directory.ok) throw new Error(directory.detail);
    return directory.entries.map((e) => e.name);
  } finally {
    await source.close();
  }
}
