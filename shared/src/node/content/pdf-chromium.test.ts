// Real PDFs printed by the system Chromium, with Chinese text and generated customer data. Skia
// embeds TrueType fonts (Liberation: the Latin text and every digit here) as Type0 Identity-H, and
// the CFF-based Noto CJK fonts as Type3; both carry ToUnicode maps.
import { createPiiGenerator } from '../../index';
import { extractPdfText } from './pdf-text';
import { scanBytes, type FileScanResult } from './scan-file';
import { customerListHtml, printHtmlToPdf, syntheticName, type CustomerRow } from './testing/chromium-pdf';

const now = new Date('2026-12-06T00:00:00Z');
const counts = (result: FileScanResult): Record<string, number> => Object.fromEntries(result.report.findings.map((f) => [f.detector, f.distinct]));

const gen = createPiiGenerator(1616);
const rows: CustomerRow[] = Array.from({ length: 120 }, () => ({ name: syntheticName(gen.pick), residentId: gen.residentId(), mobile: gen.mobile(), bankCard: gen.bankCard() }));
let sans: Buffer;
let serif: Buffer;

beforeAll(async () => {
  const pdfs = await printHtmlToPdf([
    customerListHtml(rows, { fontFamily: "'Liberation Sans', 'Noto Sans CJK SC', sans-serif" }),
    customerListHtml(rows.slice(0, 10), { fontFamily: "'Noto Serif CJK SC', serif" }),
  ]);
  [sans, serif] = [pdfs[0] ?? Buffer.alloc(0), pdfs[1] ?? Buffer.alloc(0)];
}, 20_000);

describe('PDFs printed by Chromium', () => {
  it('are made the way the extractor must handle: several pages, two-byte Type0 fonts, Flate streams', () => {
    const latin = sans.toString('latin1');
    expect(latin.match(/\/Type\s*\/Page\b/g)?.length).toBeGreaterThan(1);
    expect(latin).toMatch(/\/Subtype\s*\/Type0[\s\S]*?\/Encoding\s*\/Identity-H/);
    expect(latin).toMatch(/\/Subtype\s*\/Type3/);
    expect(latin).toMatch(/\/ToUnicode \d+ 0 R/);
  });

  it('finds every generated ID, mobile and card, with the Chinese context words', async () => {
    const result = await scanBytes(sans, '客户信息.pdf', { now });
    expect(result).toMatchObject({ format: 'pdf', outcome: 'scanned' });
    expect(counts(result)).toEqual({ 'cn-resident-id': 120, 'cn-mobile': 120, 'bank-card': 120 });
    const extracted = extractPdfText(sans, { maxInflatedBytes: 64 << 20 });
    if (extracted.kind !== 'text') throw new Error(extracted.kind);
    expect(extracted.unmappedCodes).toBe(0);
    for (const word of ['客户信息登记表', '姓名', '身份证号', '银行卡号', '请勿外传']) expect(extracted.text).toContain(word);
    // Each row's cells stay apart (a space between values, never digits run together) and names are whole.
    for (const r of rows.slice(0, 40)) expect(extracted.text).toContain(`${r.name} ${r.residentId} ${r.mobile} ${r.bankCard}`);
  });

  it('reads a PDF set only in a CJK font (every glyph in Type3 fonts, digits too)', async () => {
    const result = await scanBytes(serif, 'serif.pdf', { now });
    expect(result).toMatchObject({ outcome: 'scanned' });
    expect(counts(result)).toEqual({ 'cn-resident-id': 10, 'cn-mobile': 10, 'bank-card': 10 });
  });
});
