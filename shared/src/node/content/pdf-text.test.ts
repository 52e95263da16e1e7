import { createPiiGenerator } from '../../index';
import { extractPdfText, type PdfText } from './pdf-text';
import { scanBytes, type FileScanResult } from './scan-file';
import { encodeGb18030 } from './testing/zip-builder';
import { assignCids, bfchars, hex4, toUnicodeCMap, type0Pdf, utf16Hex } from './testing/pdf-builder';

const now = new Date('2026-12-06T00:00:00Z');
const counts = (result: FileScanResult): Record<string, number> => Object.fromEntries(result.report.findings.map((f) => [f.detector, f.distinct]));
const LIMITS = { maxInflatedBytes: 64 << 20 };
const textOf = (pdf: Buffer): string => {
  const result: PdfText = extractPdfText(pdf, LIMITS);
  if (result.kind !== 'text') throw new Error(`not text: ${result.kind}`);
  return result.text;
};

const gen = createPiiGenerator(160);
const ID = gen.residentId();
const MOBILE = gen.mobile();

describe('Type0 fonts with Identity-H and a ToUnicode map', () => {
  it('reads two-byte codes through bfchar entries, with the font chosen by Tf', async () => {
    const line = `客户姓名：张三 身份证号码：${ID} 手机：${MOBILE}`;
    const { cids, show } = assignCids(line);
    // The Chinese half of the line in the CID font, then a Latin label in the simple font: each string by its own font.
    const content = `BT /F1 12 Tf 72 720 Td ${show(line)} Tj /F2 12 Tf 0 -20 Td (Customer list) Tj ET`;
    const pdf = type0Pdf(content, toUnicodeCMap(bfchars(cids)));
    expect(textOf(pdf)).toBe(`${line}\nCustomer list\n`);
    const result = await scanBytes(pdf, 'customers.pdf', { now });
    expect(result).toMatchObject({ format: 'pdf', outcome: 'scanned' });
    expect(counts(result)).toEqual({ 'cn-resident-id': 1, 'cn-mobile': 1 });
  });

  it('bfrange with an incrementing destination and in array form; surrogate pairs and ligatures', () => {
    // Digits 0–9 are codes 0x10–0x19 (one incrementing range), A–C an array range, then 𠀀 (U+20000,
    // a surrogate pair), a range starting at 𠀀, and the ligature "fi" behind one code.
    const body = [
      '2 beginbfrange', '<0010> <0019> <0030>', '<0020> <0022> [<0041> <0042> <0043>]', 'endbfrange',
      '2 beginbfchar', `<0030> <${utf16Hex('𠀀')}>`, '<0031> <00660069>', 'endbfchar',
      '1 beginbfrange', `<0040> <0042> <${utf16Hex('𠀀')}>`, 'endbfrange',
    ].join('\n');
    const codes = (list: number[]): string => `<${list.map(hex4).join('')}>`;
    const digits = [...ID.slice(0, 17)].map((d) => 0x10 + Number(d));
    const content = `BT /F1 10 Tf 50 700 Td ${codes([0x20, 0x21, 0x22])} Tj 0 -12 Td ${codes(digits)} Tj 0 -12 Td ${codes([0x30, 0x31, 0x40, 0x42])} Tj ET`;
    expect(textOf(type0Pdf(content, toUnicodeCMap(body)))).toBe(`ABC\n${ID.slice(0, 17)}\n𠀀fi𠀀𠀂\n`);
  });

  it('joins glyphs drawn one by one, keeps table cells and lines apart, and honours TJ word gaps', () => {
    const { cids, show } = assignCids(`${ID}${MOBILE}姓名`);
    // Glyphs placed one per Td (as Chromium does): widths are 1000 units (DW), so 10 units apart at size 10 touch.
    const placed = [...ID].map((ch, i) => `${i === 0 ? '' : '10 0 Td '}${show(ch)} Tj`).join(' ');
    const content = `BT /F1 10 Tf 1 0 0 1 50 700 Tm ${placed} ET BT /F1 10 Tf 1 0 0 1 240 700 Tm ${show(MOBILE)} Tj ET BT /F1 10 Tf 1 0 0 1 50 680 Tm [${show('姓')} -600 ${show('名')}] TJ ET`;
    expect(textOf(type0Pdf(content, toUnicodeCMap(bfchars(cids))))).toBe(`${ID} ${MOBILE}\n姓 名\n`);
  });

  it('reads fonts and pages packed in a Flate object stream (PDF 1.5, as Word and Chromium write)', async () => {
    const line = `姓名 李四 身份证 ${ID}`;
    const { cids, show } = assignCids(line);
    const pdf = type0Pdf(`BT /F1 12 Tf 72 720 Td ${show(line)} Tj ET`, toUnicodeCMap(bfchars(cids)), {}, [1, 2, 3, 4, 5, 8]);
    expect(pdf.toString('latin1')).not.toMatch(/\/Type0/); // the font dictionary is only inside the compressed stream
    expect(textOf(pdf)).toBe(`${line}\n`);
    expect(counts(await scanBytes(pdf, 'packed.pdf', { now }))).toEqual({ 'cn-resident-id': 1 });
  });

  it('reads text in Form XObjects, and ActualText replaces the glyphs it covers', () => {
    const { cids, show } = assignCids(`${MOBILE}⾝份证`);
    const form = { dict: '/Type /XObject /Subtype /Form /BBox [0 0 500 500] /Resources << /Font << /F1 4 0 R >> >>', data: `BT /F1 10 Tf 10 10 Td ${show(MOBILE)} Tj ET` };
    // Chromium draws 身 with the Kangxi radical ⾝ (U+2F9D) and says what it is in /ActualText.
    const content = `BT /Span << /ActualText <FEFF${utf16Hex('身')}> >> BDC /F1 10 Tf 50 700 Td ${show('⾝')} Tj EMC 10 0 Td ${show('份证')} Tj ET /Fm1 Do`;
    const pdf = type0Pdf(content, toUnicodeCMap(bfchars(cids)), {
      3: '<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> /XObject << /Fm1 9 0 R >> >> /Contents 7 0 R >>',
      9: form,
    });
    expect(textOf(pdf)).toBe(`身份证\n${MOBILE}\n\n`);
  });
});

describe('Type0 fonts with predefined CMaps (older Chinese PDFs with fonts not embedded)', () => {
  it('decodes UniGB-UCS2-H and GBK-EUC-H codes without a ToUnicode map', () => {
    const ucs2 = Buffer.from(`身份证 ${ID}`, 'utf16le').swap16().toString('hex');
    const gbk = encodeGb18030(`姓名 张三 ${MOBILE}`).toString('hex');
    const pdf = type0Pdf(`BT /F1 10 Tf 50 700 Td <${ucs2}> Tj 0 -12 Td /F3 10 Tf <${gbk}> Tj ET`, undefined, {
      3: '<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R /F3 9 0 R >> >> /Contents 7 0 R >>',
      4: '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [5 0 R] >>',
      9: '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H /DescendantFonts [5 0 R] >>',
    });
    expect(textOf(pdf)).toBe(`身份证 ${ID}\n姓名 张三 ${MOBILE}\n`);
  });
});

describe('PDFs the extractor cannot fully read, and hostile ones', () => {
  it('a Type0 font without ToUnicode is unsupported, with a clear detail, and its other text is still scanned', async () => {
    const { show } = assignCids(ID);
    const pdf = type0Pdf(`BT /F1 12 Tf 72 720 Td ${show(ID)} Tj /F2 12 Tf 0 -20 Td (Mobile ${MOBILE}) Tj ET`, undefined);
    const result = await scanBytes(pdf, 'no-map.pdf', { now });
    expect(result).toMatchObject({ format: 'pdf', outcome: 'unsupported', detail: expect.stringMatching(/18 characters in two-byte \(Type0\/CID\) fonts without a ToUnicode map/) });
    expect(counts(result)).toEqual({ 'cn-mobile': 1 });
  });

  it('reference loops (page tree, refs to refs, a form drawing itself) and missing objects end in a result', async () => {
    const { cids, show } = assignCids(`身份证${ID}`);
    const pdf = type0Pdf(`BT /F1 12 Tf 72 720 Td ${show(`身份证${ID}`)} Tj /F3 12 Tf (lost) Tj ET /Fm1 Do`, toUnicodeCMap(bfchars(cids)), {
      2: '<< /Type /Pages /Kids [3 0 R 2 0 R 10 0 R 99 0 R] /Count 3 >>',
      3: '<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R /F3 11 0 R >> /XObject << /Fm1 9 0 R >> >> /Contents 7 0 R >>',
      9: { dict: '/Type /XObject /Subtype /Form /Resources << /XObject << /Fm1 9 0 R >> /Font << /F1 12 0 R >> >>', data: '/Fm1 Do BT /F1 10 Tf <0001> Tj ET' },
      10: '<< /Type /Pages /Kids [2 0 R] >>',
      11: '13 0 R',
      12: '12 0 R',
      13: '11 0 R',
    });
    const result = await scanBytes(pdf, 'loops.pdf', { now });
    expect(result).toMatchObject({ format: 'pdf', outcome: 'scanned' });
    expect(counts(result)).toEqual({ 'cn-resident-id': 1 });
  });

  it('malformed and huge CMaps stay bounded: <0000> <FFFF> ranges, reversed or short ranges, garbage', () => {
    const body = [
      '3 beginbfrange', '<0000> <FFFF> <4E00>', '<0200> <0100> <0041>', '<00000000> <FFFFFFFF> [<0058>]', 'endbfrange',
      '2 beginbfchar', '<0005> <0031>', '<0006>', '<0007> /space', 'endbfchar',
      '1 beginbfrange <0300> <0301> [<0041> <0042', ')) >> ]] begincodespacerange <00>',
    ].join('\n');
    // 0x0005 is a bfchar (which wins over ranges); the others fall in the one big range, kept as one entry.
    const text = textOf(type0Pdf('BT /F1 10 Tf 50 700 Td <000500100200FFFF> Tj ET', toUnicodeCMap(body)));
    expect(text).toBe(`1${String.fromCodePoint(0x4e10, 0x4e00 + 0x200, 0x4e00 + 0xffff)}\n`);
    // Content streams that are not what they claim: deep nesting, an inline image without its end, stray delimiters.
    for (const content of [`${'['.repeat(5000)}${']'.repeat(5000)} BT /F1 10 Tf <0005> Tj ET`, 'BT /F1 10 Tf <0005> Tj ET BI /W 4 /H 4 ID \x00\x01EIEI', ') ] >> } { BT /F1 10 Tf <0005> Tj ET']) {
      expect(textOf(type0Pdf(content, toUnicodeCMap(body)))).toContain('1');
    }
    for (const garbage of ['', 'begincmap <', '1 beginbfchar <01> <', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[', '1 beginbfrange <0000> <FFFF> <D800> endbfrange']) {
      expect(extractPdfText(type0Pdf('BT /F1 10 Tf <0001FFFF> Tj ET', garbage), LIMITS)).toMatchObject({ kind: 'text' });
    }
  });

  it('stops at the PDF\'s inflate limit, and reads the same file within the default limits', async () => {
    const { cids, show } = assignCids(ID);
    const big = `BT /F1 12 Tf 72 720 Td ${show(ID)} Tj ET\n${'q Q\n'.repeat(2 << 20)}`;
    const pdf = type0Pdf(big, toUnicodeCMap(bfchars(cids)));
    const result = await scanBytes(pdf, 'big.pdf', { now, limits: { maxEntryInflatedBytes: 1 << 20 } });
    expect(result).toMatchObject({ format: 'pdf', outcome: 'limit-exceeded', limit: 'max-entry-inflated' });
    expect(await scanBytes(pdf, 'big.pdf', { now })).toMatchObject({ outcome: 'scanned', report: { findings: [{ detector: 'cn-resident-id' }] } });
  });

  it('fuzzed Type0 PDFs always give a result, never an exception', async () => {
    const { cids, show } = assignCids(`姓名身份证${ID}`);
    const original = type0Pdf(`BT /F1 12 Tf 72 720 Td ${show(`姓名身份证${ID}`)} Tj ET`, toUnicodeCMap(bfchars(cids)), {}, [1, 2, 3, 4, 5]);
    const outcomes = new Set<string>();
    for (let i = 0; i < 150; i++) {
      const bytes = Buffer.from(original.subarray(0, i % 2 ? original.length : gen.int(original.length)));
      for (let flips = gen.int(6); flips > 0; flips--) bytes[gen.int(bytes.length)] = gen.int(256);
      outcomes.add((await scanBytes(bytes, 'fuzzed.pdf', { now, limits: { maxTimeMs: 5000 } })).outcome);
    }
    expect([...outcomes].every((o) => ['scanned', 'encrypted', 'unparseable', 'unsupported', 'limit-exceeded'].includes(o))).toBe(true);
  });
});
