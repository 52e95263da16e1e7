/**
 * Content inspection benchmark (issue 16, not a test). Figures, each against a baseline in the same run:
 *  - precision and recall per detector on a generated labelled corpus, against a plain shape-only
 *    regex per detector (no check character, date or prefix rules);
 *  - text scan throughput (MB/s of file bytes, one core) through scanFile, against one plain regex
 *    (`\d{17}[\dXx]`) over the same bytes read and decoded the same way: on mixed text (logs and
 *    prose with some personal data) and on a dense customer CSV; and against scanFile's own
 *    decoding scan of UTF-8 (`decodeUtf8`, what it did before searching the bytes);
 *  - xlsx scan throughput through scanFile, against inflating the same parts and one plain regex.
 *   node dist/bench/content-scan.js [corpusLines] [textMiB]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { BUILT_IN_DETECTORS, createPiiGenerator, scanText, type BuiltInDetectorId } from '../shared/src/content';
import { openFileSource, readChunks } from '../shared/src/node/content/byte-source';
import { scanFile } from '../shared/src/node/content/scan-file';
import { buildXlsx } from '../shared/src/node/content/testing/zip-builder';
import { readZipDirectory } from '../shared/src/node/content/zip-reader';
import { NAIVE_PATTERNS, labelledCorpus } from './content/labelled-corpus';

interface Figure { name: string; value: number; unit: string; baseline: number; ratio: number }
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
const emit = (f: Figure): void => void process.stdout.write(`${JSON.stringify(f)}\n`);

interface Tally { tp: number; fp: number; fn: number }
const score = (t: Tally): { precision: number; recall: number } => ({ precision: t.tp / Math.max(1, t.tp + t.fp), recall: t.tp / Math.max(1, t.tp + t.fn) });

function accuracy(lines: number): void {
  const corpus = labelledCorpus(lines);
  const ours = Object.fromEntries(BUILT_IN_DETECTORS.map((d) => [d, { tp: 0, fp: 0, fn: 0 }])) as Record<BuiltInDetectorId, Tally>;
  const naive = Object.fromEntries(BUILT_IN_DETECTORS.map((d) => [d, { tp: 0, fp: 0, fn: 0 }])) as Record<BuiltInDetectorId, Tally>;
  const add = (t: Tally, found: number, want: number): void => {
    t.tp += Math.min(found, want);
    t.fp += Math.max(0, found - want);
    t.fn += Math.max(0, want - found);
  };
  for (const line of corpus) {
    const report = scanText(line.text);
    for (const d of BUILT_IN_DETECTORS) {
      const want = line.expected[d] ?? 0;
      add(ours[d], report.findings.find((f) => f.detector === d)?.total ?? 0, want);
      add(naive[d], line.text.match(NAIVE_PATTERNS[d])?.length ?? 0, want);
    }
  }
  for (const d of BUILT_IN_DETECTORS) {
    const o = score(ours[d]);
    const n = score(naive[d]);
    emit({ name: `content.precision.${d}`, value: round(o.precision, 4), unit: 'ratio', baseline: round(n.precision, 4), ratio: round(o.precision / n.precision, 2) });
    emit({ name: `content.recall.${d}`, value: round(o.recall, 4), unit: 'ratio', baseline: round(n.recall, 4), ratio: round(o.recall / n.recall, 2) });
  }
}

interface Speed {
  /** MB/s on the wall clock. */
  mbs: number;
  /** MB per CPU second (user and system, all threads): what one core does, however busy the neighbours. */
  cpuMbs: number;
}

/** Runs `scan` (which returns the bytes it read) and times it on the wall clock and in CPU time. */
async function timed(scan: () => Promise<number>): Promise<Speed> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const bytes = await scan();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { mbs: bytes / 1e6 / (ms / 1000), cpuMbs: bytes / 1e6 / ((used.user + used.system) / 1e6) };
}

/** The plain scan: the file read in 1 MiB chunks, decoded, one regex over each chunk; returns the bytes. */
async function plainRegexScan(file: string): Promise<number> {
  const source = await openFileSource(file);
  const decoder = new TextDecoder('utf-8');
  const pattern = /\d{17}[\dXx]/g;
  let matches = 0;
  for await (const chunk of readChunks(source)) {
    const text = decoder.decode(chunk, { stream: true });
    pattern.lastIndex = 0;
    while (pattern.exec(text)) matches++;
  }
  await source.close();
  if (matches < 0) throw new Error('unreachable');
  return source.size;
}

/** scanFile; `decodeUtf8` for the decoding scan a UTF-8 file had before the byte scan (same findings). */
async function ourScan(file: string, decodeUtf8 = false): Promise<number> {
  const result = await scanFile(file, decodeUtf8 ? { decodeUtf8 } : {});
  if (result.outcome !== 'scanned') throw new Error(`${file}: ${result.outcome}`);
  return result.size;
}

/**
 * Best of three alternating runs, so a neighbour's burst on the shared box hurts both sides alike;
 * on the wall clock, then per CPU second (the "per core" figure); then scanFile against its own
 * decoding scan (`decodeUtf8`), per CPU second.
 */
async function compare(name: string, file: string): Promise<void> {
  const ours: Speed = { mbs: 0, cpuMbs: 0 };
  const plain: Speed = { mbs: 0, cpuMbs: 0 };
  const decoding: Speed = { mbs: 0, cpuMbs: 0 };
  const best = (into: Speed, s: Speed): void => {
    into.mbs = Math.max(into.mbs, s.mbs);
    into.cpuMbs = Math.max(into.cpuMbs, s.cpuMbs);
  };
  for (let i = 0; i < 3; i++) {
    best(plain, await timed(() => plainRegexScan(file)));
    best(ours, await timed(() => ourScan(file)));
    best(decoding, await timed(() => ourScan(file, true)));
  }
  emit({ name, value: round(ours.mbs), unit: 'MB/s', baseline: round(plain.mbs), ratio: round(ours.mbs / plain.mbs, 2) });
  emit({ name: `${name}.per_cpu_second`, value: round(ours.cpuMbs), unit: 'MB/cpu-s', baseline: round(plain.cpuMbs), ratio: round(ours.cpuMbs / plain.cpuMbs, 2) });
  emit({ name: `${name}.bytes_vs_decoding_per_cpu_second`, value: round(ours.cpuMbs), unit: 'MB/cpu-s', baseline: round(decoding.cpuMbs), ratio: round(ours.cpuMbs / decoding.cpuMbs, 2) });
}

function mixedText(bytes: number): string {
  const gen = createPiiGenerator(7);
  const lines: string[] = [];
  let size = 0;
  const templates = [
    () => `2026-12-05T10:${gen.int(60)}:${gen.int(60)}Z INFO request ${gen.digits(12)} served in ${gen.int(900)} ms user=u${gen.int(5000)}`,
    () => '本季度销售额同比增长，客户满意度保持稳定，下一阶段将继续优化服务流程与交付质量。',
    () => 'The quarterly review covered delivery, support tickets and the migration plan for the billing system.',
    () => `订单 ${gen.orderNumber()} 已发货，快递单号 SF${gen.digits(12)}，金额 ${gen.int(9999)}.${gen.digits(2)} 元`,
    () => `联系人 ${gen.pick(['张伟', '王芳', '李娜'])} 手机 ${gen.mobile()} 邮箱 ${gen.email()}`,
    () => `客户身份证号 ${gen.residentId()}，开户行卡号 ${gen.bankCard()}`,
  ];
  const weights = [30, 25, 25, 12, 5, 3];
  while (size < bytes) {
    let r = gen.int(100);
    let i = 0;
    while (r >= (weights[i] ?? 100)) r -= weights[i++] ?? 100;
    const line = (templates[i] ?? templates[0] ?? (() => ''))();
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return lines.join('\n');
}

function customerCsv(bytes: number): string {
  const gen = createPiiGenerator(8);
  const lines = ['客户编号,姓名,身份证号,手机,银行卡号,地址,创建时间'];
  let size = 0;
  while (size < bytes) {
    const line = `${gen.digits(8)},${gen.pick(['张伟', '王芳', '李娜', '刘洋'])},${gen.residentId()},${gen.mobile()},${gen.bankCard()},北京市朝阳区某某路${gen.int(200)}号,${gen.timestamp()}`;
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return lines.join('\n');
}

async function xlsxThroughput(dir: string, rows: number): Promise<void> {
  const gen = createPiiGenerator(9);
  const table: (string | number)[][] = [['客户编号', '姓名', '身份证号', '手机', '银行卡号', '地址']];
  for (let i = 0; i < rows; i++) table.push([Number(gen.digits(8)), `客户${i}`, gen.residentId(), Number(gen.mobile()), gen.bankCard(), `北京市朝阳区某某路${gen.int(200)}号`]);
  const file = path.join(dir, 'customers.xlsx');
  writeFileSync(file, buildXlsx(table));
  const plain = async (): Promise<number> => {
    const started = performance.now();
    const bytes = await readFile(file);
    const source = { size: bytes.length, read: async (p: number, l: number) => bytes.subarray(p, p + l) };
    const directory = await readZipDirectory(source, 10_000);
    if (!directory.ok) throw new Error('xlsx unreadable');
    const pattern = /\d{17}[\dXx]/g;
    let matches = 0;
    for (const entry of directory.entries) {
      const start = entry.localHeaderOffset + 30 + bytes.readUInt16LE(entry.localHeaderOffset + 26) + bytes.readUInt16LE(entry.localHeaderOffset + 28);
      const text = inflateRawSync(bytes.subarray(start, start + entry.compressedSize)).toString('utf8');
      pattern.lastIndex = 0;
      while (pattern.exec(text)) matches++;
    }
    if (matches < 0) throw new Error('unreachable');
    return bytes.length / 1e6 / ((performance.now() - started) / 1000);
  };
  let ours = 0;
  let base = 0;
  for (let i = 0; i < 3; i++) {
    base = Math.max(base, await plain());
    ours = Math.max(ours, (await timed(() => ourScan(file))).mbs);
  }
  emit({ name: `content.scan.xlsx_${rows}_rows`, value: round(ours), unit: 'MB/s', baseline: round(base), ratio: round(ours / base, 2) });
}

async function main(corpusLines: number, textMiB: number): Promise<void> {
  accuracy(corpusLines);
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-content-'));
  try {
    const mixed = path.join(dir, 'mixed.log');
    writeFileSync(mixed, mixedText(textMiB * 2 ** 20));
    await compare(`content.scan.text_mixed_${textMiB}mib`, mixed);
    const csv = path.join(dir, 'customers.csv');
    writeFileSync(csv, customerCsv(textMiB * 2 ** 20));
    await compare(`content.scan.text_customer_csv_${textMiB}mib`, csv);
    await xlsxThroughput(dir, 100_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(Number(process.argv[2] ?? 100_000), Number(process.argv[3] ?? 64)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
