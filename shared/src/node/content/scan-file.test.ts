import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { createPiiGenerator, scanText } from '../../index';
import { scanBytes, scanFile, type FileScanResult } from './scan-file';
import { buildDocx, buildPdf, buildPptx, buildXlsx, buildZip, encodeGb18030 } from './testing/zip-builder';

const now = new Date('2026-12-06T00:00:00Z');
const ID = '11010519491231002X';
const counts = (result: FileScanResult): Record<string, number> => Object.fromEntries(result.report.findings.map((f) => [f.detector, f.distinct]));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dlp-content-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('text files', () => {
  it('scans UTF-8 CSV and reports redacted samples only', async () => {
    const gen = createPiiGenerator(21);
    const rows = Array.from({ length: 50 }, () => `张三,${gen.residentId()},${gen.mobile()},${gen.bankCard()}`);
    const file = path.join(dir, 'customers.csv');
    writeFileSync(file, `姓名,身份证号,手机,卡号\n${rows.join('\n')}\n`);
    const result = await scanFile(file, { now });
    expect(result).toMatchObject({ format: 'text', outcome: 'scanned', encoding: 'utf-8' });
    expect(counts(result)).toEqual({ 'cn-resident-id': 50, 'cn-mobile': 50, 'bank-card': 50 });
    // The header's context words raise each detector's confidence over the same rows without it.
    const bare = scanText(rows.join('\n'), { now }).findings;
    for (const f of result.report.findings) expect(f.confidence).toBeGreaterThan(bare.find((b) => b.detector === f.detector)?.confidence ?? 1);
  });

  it.each([
    ['txt', `客户 ${ID}`],
    ['tsv', `姓名\t身份证\n张三\t${ID}\n`],
    ['json', JSON.stringify({ name: '张三', idNo: ID })],
    ['xml', `<customer><id type="身份证">${ID}</id></customer>`],
    ['log', `2026-12-05T10:00:00Z INFO lookup id=${ID} took 12 ms`],
    ['md', `| 姓名 | 身份证 |\n|---|---|\n| 张三 | ${ID} |`],
    ['sql', `INSERT INTO customer (name, id_no) VALUES ('张三', '${ID}');`],
  ])('reads .%s as text', async (ext, content) => {
    const file = path.join(dir, `sample.${ext}`);
    writeFileSync(file, content);
    const result = await scanFile(file, { now });
    expect(result).toMatchObject({ format: 'text', outcome: 'scanned', encoding: 'utf-8' });
    expect(counts(result)).toEqual({ 'cn-resident-id': 1 });
  });

  it('detects GB18030 (a file saved by a Chinese Windows program) and reads it', async () => {
    const bytes = encodeGb18030(`客户名单\n姓名：李四 身份证号码：${ID} 手机：13812345678\n`);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const result = await scanBytes(bytes, 'list.txt', { now, keywords: ['客户名单'] });
    expect(result).toMatchObject({ outcome: 'scanned', encoding: 'gb18030' });
    expect(counts(result)).toEqual({ 'cn-resident-id': 1, 'cn-mobile': 1, keyword: 1 });
  });

  it('reads UTF-16 with a BOM and calls other NUL-bearing files binary', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`身份证 ${ID}`, 'utf16le')]);
    expect(await scanBytes(utf16, 'a.txt', { now })).toMatchObject({ outcome: 'scanned', encoding: 'utf-16le', report: { findings: [{ detector: 'cn-resident-id' }] } });
    expect(await scanBytes(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]), 'a.bin')).toMatchObject({ format: 'binary', outcome: 'unsupported' });
  });

  it('keeps a long single-line file with invalid UTF-8 bounded, and finds a value past the first chunks', async () => {
    const file = path.join(dir, 'one-line.log');
    const fd = openSync(file, 'w');
    const block = Buffer.alloc(1 << 20, 'x');
    block[100_000] = 0xff; // invalid UTF-8 past the 64 KiB sample: decoded as U+FFFD, not an error
    for (let i = 0; i < 128; i++) writeSync(fd, block);
    writeSync(fd, Buffer.from(` ${ID} `));
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const result = await scanFile(file, { now });
    // Read whole, the file would take 128 MiB as bytes plus 128–256 MiB as a string; staying well
    // under that (the rest is garbage the GC has not reclaimed yet) shows it is streamed.
    expect(process.memoryUsage().rss - before).toBeLessThan(192 << 20);
    expect(result).toMatchObject({ outcome: 'scanned', encoding: 'utf-8' });
    expect(counts(result)).toEqual({ 'cn-resident-id': 1 });
    const limited = await scanFile(file, { now, limits: { maxBytes: 8 << 20 } });
    expect(limited).toMatchObject({ outcome: 'limit-exceeded', limit: 'max-bytes', report: { findings: [] } });
  });
});

describe('Office Open XML', () => {
  it('docx: joins a value split over runs, keeps paragraphs apart, decodes entities', async () => {
    const docx = buildDocx([['客户：王五 身份证 ', ID.slice(0, 8), ID.slice(8)], ['13812345678'], ['R&D <team> 13912345678']]);
    const result = await scanBytes(docx, 'report.docx', { now });
    expect(result).toMatchObject({ format: 'docx', outcome: 'scanned' });
    expect(counts(result)).toEqual({ 'cn-resident-id': 1, 'cn-mobile': 2 });
  });

  it('xlsx: shared strings and numeric cells, neighbouring cells never merged', async () => {
    const gen = createPiiGenerator(22);
    const rows: (string | number)[][] = [['姓名', '身份证号', '手机']];
    for (let i = 0; i < 30; i++) rows.push([`客户${i}`, gen.residentId(), Number(gen.mobile())]);
    const result = await scanBytes(buildXlsx(rows), 'customers.xlsx', { now });
    expect(result).toMatchObject({ format: 'xlsx', outcome: 'scanned' });
    expect(counts(result)).toEqual({ 'cn-resident-id': 30, 'cn-mobile': 30 });
  });

  it('pptx: slide text', async () => {
    const result = await scanBytes(buildPptx(['季度汇报', `联系人 zhang.wei@example.com 信用代码 91350100M000100Y43`]), 'deck.pptx', { now });
    expect(result).toMatchObject({ format: 'pptx', outcome: 'scanned' });
    expect(counts(result)).toEqual({ email: 1, 'cn-uscc': 1 });
  });

  it('an encrypted OOXML file (an OLE container) is reported as encrypted', async () => {
    const cfb = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024)]);
    expect(await scanBytes(cfb, 'secret.xlsx')).toMatchObject({ format: 'xlsx', outcome: 'encrypted' });
    expect(await scanBytes(cfb, 'old.doc')).toMatchObject({ format: 'legacy-office', outcome: 'unsupported' });
  });
});

describe('zip archives', () => {
  it('reads entries one level deep (an xlsx inside counts as one level), not a zip inside a zip', async () => {
    const inner = buildZip([{ name: 'deep.txt', data: `身份证 ${ID}` }]);
    const zip = buildZip([
      { name: 'a.csv', data: `手机\n13812345678\n` },
      { name: '资料/b.xlsx', data: buildXlsx([['身份证', ID]]) },
      { name: 'c.txt', data: 'stored 13912345678', stored: true },
      { name: 'inner.zip', data: inner },
      { name: 'locked.txt', data: 'whatever', encrypted: true },
    ]);
    const result = await scanBytes(zip, 'out.zip', { now });
    expect(result).toMatchObject({ format: 'zip', outcome: 'scanned' });
    expect(counts(result)).toEqual({ 'cn-mobile': 2, 'cn-resident-id': 1 });
    expect(result.entries).toEqual([
      { name: 'a.csv', format: 'text', outcome: 'scanned', encoding: 'utf-8' },
      { name: '资料/b.xlsx', format: 'xlsx', outcome: 'scanned' },
      { name: 'c.txt', format: 'text', outcome: 'scanned', encoding: 'utf-8' },
      { name: 'inner.zip', format: 'zip', outcome: 'limit-exceeded', limit: 'nesting-depth' },
      { name: 'locked.txt', format: 'binary', outcome: 'encrypted' },
    ]);
  });

  it('reads zip64 archives (sizes and offsets in zip64 records) and GBK entry names', async () => {
    const zip64 = buildZip([{ name: 'a.csv', data: `身份证\n${ID}\n` }, { name: 'b.txt', data: '13812345678' }], { zip64: true });
    const result = await scanBytes(zip64, 'big.zip', { now });
    expect(result).toMatchObject({ format: 'zip', outcome: 'scanned', entries: [{ name: 'a.csv', outcome: 'scanned' }, { name: 'b.txt', outcome: 'scanned' }] });
    expect(counts(result)).toEqual({ 'cn-resident-id': 1, 'cn-mobile': 1 });
    // A zip from a Chinese Windows archiver: no UTF-8 flag, the name in GBK.
    const gbk = buildZip([{ name: 'GBKNAME8.txt', data: ID }]); // 8 bytes, as 客户名单 in GBK
    const at = gbk.indexOf('GBKNAME8');
    const central = gbk.indexOf('GBKNAME8', at + 1);
    for (const offset of [at, central]) encodeGb18030('客户名单').copy(gbk, offset);
    gbk.writeUInt16LE(0, 6); // local header flags: no UTF-8 name
    gbk.writeUInt16LE(0, central - 46 + 8);
    expect((await scanBytes(gbk, 'cn.zip', { now })).entries).toEqual([{ name: '客户名单.txt', format: 'text', outcome: 'scanned', encoding: 'utf-8' }]);
  });

  it('stops a zip bomb at the per-entry limit whatever its header claims, and the total over entries', async () => {
    const spaces = Buffer.alloc(64 << 20, 0x20); // 64 MiB of text deflates to about 64 KiB
    const bomb = buildZip([{ name: 'bomb.txt', data: spaces, declaredSize: 1000 }, { name: 'ok.txt', data: `13812345678` }]);
    expect(bomb.length).toBeLessThan(1 << 20);
    const started = Date.now();
    const result = await scanBytes(bomb, 'bomb.zip', { now, limits: { maxEntryInflatedBytes: 8 << 20 } });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.entries).toEqual([
      { name: 'bomb.txt', format: 'binary', outcome: 'limit-exceeded', limit: 'max-entry-inflated' },
      { name: 'ok.txt', format: 'text', outcome: 'scanned', encoding: 'utf-8' },
    ]);
    expect(counts(result)).toEqual({ 'cn-mobile': 1 });
    const many = buildZip(Array.from({ length: 8 }, (_, i) => ({ name: `part${i}.txt`, data: Buffer.alloc(4 << 20, 0x20) })));
    const total = await scanBytes(many, 'many.zip', { now, limits: { maxTotalInflatedBytes: 10 << 20 } });
    expect(total).toMatchObject({ outcome: 'limit-exceeded', limit: 'max-total-inflated' });
    expect(total.entries.length).toBeLessThan(4);
  });

  it('reports too many entries, corrupt data and a broken directory as results', async () => {
    const wide = buildZip(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' })));
    expect(await scanBytes(wide, 'w.zip', { limits: { maxZipEntries: 5 } })).toMatchObject({ outcome: 'limit-exceeded', limit: 'max-zip-entries', entries: { length: 5 } });
    const corrupt = buildZip([{ name: 'bad.txt', data: 'hello hello hello' }]);
    corrupt.fill(0xff, 30 + 'bad.txt'.length, 30 + 'bad.txt'.length + 6);
    expect((await scanBytes(corrupt, 'c.zip')).entries).toEqual([{ name: 'bad.txt', format: 'binary', outcome: 'unparseable', detail: expect.any(String) }]);
    const truncated = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), deflateRawSync(Buffer.from('not really a zip'))]);
    expect(await scanBytes(truncated, 't.zip')).toMatchObject({ format: 'zip', outcome: 'unparseable' });
  });
});

describe('malformed input', () => {
  it('truncated or corrupted archives, Office files and PDFs always give a result, never an exception', async () => {
    const gen = createPiiGenerator(23);
    const originals = [
      buildZip([{ name: 'a.csv', data: `${gen.residentId()},${gen.mobile()}` }, { name: 'b.docx', data: buildDocx([[gen.residentId()]]) }]),
      buildXlsx([['身份证', gen.residentId()]]),
      buildPdf([`ID ${gen.residentId()}`]),
    ];
    const outcomes = new Set<string>();
    for (const original of originals) {
      for (let i = 0; i < 60; i++) {
        const bytes = Buffer.from(original.subarray(0, i % 2 ? original.length : gen.int(original.length)));
        for (let flips = gen.int(4); flips > 0; flips--) bytes[gen.int(bytes.length)] = gen.int(256);
        const result = await scanBytes(bytes, 'fuzzed.bin', { now, limits: { maxTimeMs: 5000 } });
        outcomes.add(result.outcome);
      }
    }
    expect([...outcomes].every((o) => ['scanned', 'encrypted', 'unparseable', 'unsupported', 'limit-exceeded'].includes(o))).toBe(true);
    expect(outcomes.has('unparseable')).toBe(true);
  });
});

describe('PDF', () => {
  it('reads text of Flate and uncompressed content streams', async () => {
    for (const plain of [false, true]) {
      const result = await scanBytes(buildPdf(['Customer: Zhang Wei', `ID ${ID}`, 'Mobile 13812345678'], { plain }), 'a.pdf', { now });
      expect(result).toMatchObject({ format: 'pdf', outcome: 'scanned' });
      expect(counts(result)).toEqual({ 'cn-resident-id': 1, 'cn-mobile': 1 });
    }
  });

  it('reports an encrypted PDF', async () => {
    expect(await scanBytes(buildPdf(['x'], { encrypted: true }), 'e.pdf')).toMatchObject({ format: 'pdf', outcome: 'encrypted' });
  });
});
