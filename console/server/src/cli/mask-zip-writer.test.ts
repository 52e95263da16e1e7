import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bufferSource, DEFAULT_EXTRACTION_LIMITS, ExtractionBudget, readZipDirectory, readZipEntry } from '@dlp/shared/node';
import { BUILT_IN_DETECTORS, DEFAULT_KEEP, MASK_KINDS, hmacSha256, type MaskKind, type MaskStrategy } from '@dlp/shared';
import { ZipWriter } from './mask-zip-writer';
import { maskXlsx } from './mask-xlsx';
import { buildWorkbook, customers, readWorkbookCells } from './mask-test-helpers';

async function entryText(bytes: Buffer, name: string): Promise<string> {
  const source = bufferSource(bytes);
  const directory = await readZipDirectory(source, 100);
  if (!directory.ok) throw new Error(directory.detail);
  const entry = directory.entries.find((e) => e.name === name);
  if (!entry) throw new Error(`no ${name}`);
  const chunks: Buffer[] = [];
  for await (const c of readZipEntry(source, entry, new ExtractionBudget(DEFAULT_EXTRACTION_LIMITS))) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

describe('the masked xlsx’s zip writer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dlp-zip-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes zip64 records where sizes and offsets need them, readable by our reader and by Python’s zipfile', async () => {
    const chunks: Buffer[] = [];
    // A threshold of 100 bytes puts every size and offset past it, as a 4 GiB part would.
    const writer = new ZipWriter({ write: async (b) => void chunks.push(Buffer.from(b)) }, 100);
    const big = '客户,13812345678\n'.repeat(500);
    await writer.addDeflated('a/big.txt', { time: 0, date: 0x5821 }, (async function* () { yield Buffer.from(big); })(), true);
    await writer.addDeflated('b.txt', { time: 0, date: 0x5821 }, (async function* () { yield Buffer.from('short'); })(), true);
    await writer.finish();
    const zip = Buffer.concat(chunks);
    expect(await entryText(zip, 'a/big.txt')).toBe(big);
    expect(await entryText(zip, 'b.txt')).toBe('short');
    const file = path.join(dir, 'z64.zip');
    await writeFile(file, zip);
    expect(execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(z.read("b.txt").decode(), len(z.read("a/big.txt")))', file]).toString().trim()).toBe(`short ${Buffer.byteLength(big)}`);
  });

  it('masks a zip64 workbook into a zip64 workbook', async () => {
    const data = customers(40, 12);
    const input = path.join(dir, 'in64.xlsx');
    const output = path.join(dir, 'out64.xlsx');
    await writeFile(input, await buildWorkbook([data.header, ...data.rows], { zip64Threshold: 200 }));
    const strategy = Object.fromEntries(MASK_KINDS.map((k) => [k, 'keep'])) as Record<MaskKind, MaskStrategy>;
    const noProgress = { begin: () => undefined, add: () => undefined, end: () => undefined };
    const result = await maskXlsx(input, output, {
      settings: { detectors: BUILT_IN_DETECTORS, strategy, keep: DEFAULT_KEEP.keep, validCheckDigits: false, today: new Date() },
      keys: { run: hmacSha256(Buffer.from('run key for this test only, 32b')) }, kinds: MASK_KINDS, headerMode: 'auto', sampleRows: 100, overrides: [], filterBits: 2 ** 20, seed: 3, zip64Threshold: 200,
    }, noProgress);
    expect(result.confirmed).toEqual([]);
    const cells = await readWorkbookCells(output);
    expect(cells).toHaveLength(41);
    const bytes = await readFile(output);
    expect(data.raw.filter((v) => bytes.includes(v))).toEqual([]);
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
  });
});
