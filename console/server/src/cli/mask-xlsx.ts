/**
 * `dlp mask` on an xlsx workbook: the zip read with the content scanner's reader (@dlp/shared/node),
 * each XML part streamed through the rewrites of @dlp/shared's masking, the new zip written with
 * untouched parts copied byte for byte. Passes as for text (masking/mask-pipeline.ts); shared strings
 * need one more look at the sheets, because a string's column is known only from the cells using it.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import {
  ConfirmSink, MaskInputError, MaskSink, OutputChecker, RawValueFilter, SurveySink, ValueMasker, VerifySink, attribute,
  columnKey, createHitFinder, createSharedStringsTransform, createSheetTransform, createTextHitScanner, createXmlValuesTransform,
  type CellRole, type CellSink, type FormatTransform, type MaskPlan, type PassName, type PipelineOptions, type Suspect,
} from '@dlp/shared';
import {
  DEFAULT_EXTRACTION_LIMITS, ExtractionBudget, LimitReached, createXmlTextExtractor, openFileSource, readZipDirectory, readZipEntry, sniffMagic, zipFormat,
  type ByteSource, type FileSource, type ZipEntry,
} from '@dlp/shared/node';
import { ZipWriter, type ByteSink } from './mask-zip-writer';

export type XlsxOptions = Omit<PipelineOptions, 'format' | 'sqlDialect'> & { zip64Threshold?: number };

export interface XlsxProgress {
  begin(pass: PassName, totalBytes: number): void;
  add(bytes: number): void;
  end(): void;
}

export interface XlsxResult {
  plan: MaskPlan;
  sink: MaskSink;
  masker: ValueMasker;
  checker: OutputChecker;
  confirmed: Suspect[];
  filter: RawValueFilter;
  rows: number;
  sheets: number;
  sharedStrings: number;
  outputBytes: number;
}

/** Masking reads parts far bigger than the agent would scan; memory stays bounded by streaming. */
const LIMITS = { ...DEFAULT_EXTRACTION_LIMITS, maxBytes: Number.MAX_SAFE_INTEGER, maxTimeMs: Number.MAX_SAFE_INTEGER, maxZipEntries: 100_000, maxEntryInflatedBytes: 16 * 1024 ** 3, maxTotalInflatedBytes: 256 * 1024 ** 3 };
const SHEET = /^xl\/worksheets\/[^/]+\.xml$/;
const SHARED_STRINGS = 'xl/sharedStrings.xml';
const XML_PART = /\.(?:xml|rels|vml)$/i;
/** Shared-string references remembered for sampling, over all sheets. */
const MAX_SAMPLE_REFS = 1_000_000;

const unreadable = (detail: string): MaskInputError => new MaskInputError('xlsx-unreadable', { detail }, `xlsx: ${detail}`);

interface Workbook {
  source: FileSource;
  entries: ZipEntry[];
  sheetNames: Map<string, string>;
}

async function openWorkbook(path: string): Promise<Workbook> {
  const source = await openFileSource(path);
  try {
    const head = await source.read(0, 8);
    if (sniffMagic(head) === 'cfb') throw new MaskInputError('xlsx-encrypted', {}, 'xlsx: the workbook is encrypted (an OLE file): remove its password in Excel first');
    if (sniffMagic(head) !== 'zip') throw unreadable('not a zip file');
    const directory = await readZipDirectory(source, LIMITS.maxZipEntries);
    if (!directory.ok) throw unreadable(directory.detail);
    if (directory.truncated) throw unreadable(`more than ${LIMITS.maxZipEntries} parts`);
    if (zipFormat(directory.entries) !== 'xlsx') throw unreadable('no xl/workbook.xml: not an xlsx workbook');
    if (directory.entries.some((e) => e.encrypted)) throw new MaskInputError('xlsx-encrypted', {}, 'xlsx: encrypted parts');
    const workbook: Workbook = { source, entries: directory.entries, sheetNames: new Map() };
    workbook.sheetNames = await sheetNames(workbook);
    return workbook;
  } catch (err) {
    await source.close();
    throw err;
  }
}

async function partText(source: ByteSource, entry: ZipEntry, onBytes: (n: number) => void): Promise<string> {
  let text = '';
  for await (const piece of partPieces(source, entry, onBytes)) text += piece;
  return text;
}

/** A part's text, strictly UTF-8; damage inside it is an input error. */
async function* partPieces(source: ByteSource, entry: ZipEntry, onBytes: (n: number) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const budget = new ExtractionBudget(LIMITS);
  try {
    for await (const chunk of readZipEntry(source, entry, budget)) {
      onBytes(chunk.length);
      const text = decoder.decode(chunk, { stream: true });
      if (text !== '') yield text;
    }
    const rest = decoder.decode();
    if (rest !== '') yield rest;
  } catch (err) {
    if (err instanceof MaskInputError) throw err;
    if (err instanceof LimitReached) throw unreadable(`${entry.name}: ${err.limit}`);
    throw unreadable(`${entry.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Sheet part → sheet name, from workbook.xml and its relationships (the part's file name otherwise). */
async function sheetNames(workbook: Workbook): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const find = (name: string): ZipEntry | undefined => workbook.entries.find((e) => e.name === name);
  const book = find('xl/workbook.xml');
  const rels = find('xl/_rels/workbook.xml.rels');
  if (!book || !rels || book.uncompressedSize > 16 * 1024 ** 2 || rels.uncompressedSize > 16 * 1024 ** 2) return names;
  const targets = new Map<string, string>();
  for (const tag of (await partText(workbook.source, rels, () => undefined)).match(/<(?:\w+:)?Relationship\b[^>]*>/g) ?? []) {
    const id = attribute(tag, 'Id');
    const target = attribute(tag, 'Target');
    if (id && target) targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  for (const tag of (await partText(workbook.source, book, () => undefined)).match(/<(?:\w+:)?sheet\b[^>]*>/g) ?? []) {
    const name = attribute(tag, 'name');
    const target = targets.get(attribute(tag, 'id') ?? '');
    if (name && target) names.set(target, name.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'"));
  }
  return names;
}

const sheetName = (workbook: Workbook, entry: ZipEntry): string => workbook.sheetNames.get(entry.name) ?? entry.name.replace(/^.*\/|\.xml$/g, '');

/** Streams one part through `transform` and the raw-text scan of what the agent would extract; yields the output text. */
async function* throughPart(source: ByteSource, entry: ZipEntry, transform: FormatTransform, raw: ReturnType<typeof createTextHitScanner> | undefined, onBytes: (n: number) => void): AsyncGenerator<string> {
  const extractor = raw ? createXmlTextExtractor() : undefined;
  for await (const piece of partPieces(source, entry, onBytes)) {
    const out = transform.push(piece);
    if (raw && extractor) raw.push(extractor.push(piece));
    if (out !== '') yield out;
  }
  const last = transform.end();
  if (raw && extractor) {
    raw.push(`${extractor.end()}\n`);
  }
  if (last !== '') yield last;
}

async function drain(pieces: AsyncIterable<string>): Promise<void> {
  for await (const piece of pieces) void piece;
}

interface SharedRef {
  table: string;
  column: number;
  row: number;
  role: CellRole;
}

/** Pass 1: raw values into the filter, header rows and column samples (shared strings resolved), the plan. */
async function survey(workbook: Workbook, options: XlsxOptions, finder: ReturnType<typeof createHitFinder>, filter: RawValueFilter, progress: XlsxProgress): Promise<{ plan: MaskPlan; sharedCount: number }> {
  const sink = new SurveySink(finder, filter, { headerMode: options.headerMode, sampleRows: options.sampleRows, kinds: options.kinds, overrides: options.overrides });
  const raw = createTextHitScanner(finder, (hit) => filter.add(hit.value));
  const refs = new Map<number, SharedRef[]>();
  const sampled = new Map<string, number>();
  let refCount = 0;
  const xmlParts = workbook.entries.filter((e) => XML_PART.test(e.name));
  progress.begin('survey', xmlParts.reduce((sum, e) => sum + e.uncompressedSize, 0));
  const onBytes = (n: number): void => progress.add(n);
  const shared = workbook.entries.find((e) => e.name === SHARED_STRINGS);
  for (const entry of xmlParts) {
    if (entry === shared) continue;
    if (SHEET.test(entry.name)) {
      const table = sheetName(workbook, entry);
      const onSharedString = (column: number, row: number, role: CellRole, index: number): void => {
        const key = columnKey(table, column);
        const taken = sampled.get(key) ?? 0;
        if ((role === 'data' && taken >= options.sampleRows) || refCount >= MAX_SAMPLE_REFS) return;
        if (role === 'data') sampled.set(key, taken + 1);
        refCount++;
        const list = refs.get(index) ?? [];
        list.push({ table, column, row, role });
        refs.set(index, list);
      };
      await drain(throughPart(workbook.source, entry, createSheetTransform(sink, table, { emit: false, onSharedString }), raw, onBytes));
    } else {
      await drain(throughPart(workbook.source, entry, createXmlValuesTransform(sink, '', { emit: false }), raw, onBytes));
    }
  }
  let sharedCount = 0;
  if (shared) {
    const transform = createSharedStringsTransform((index, text, flags) => {
      sink.cell('', 'text', 0, 'text', text, flags);
      for (const ref of refs.get(index) ?? []) sink.cell(ref.table, ref.column, ref.row, ref.role, text, flags);
      return undefined;
    }, { emit: false });
    await drain(throughPart(workbook.source, shared, transform, raw, onBytes));
    sharedCount = transform.counts.rows;
  }
  raw.end();
  progress.end();
  return { plan: sink.plan(), sharedCount };
}

/** Which personal-data column each shared string belongs to (0: none), from another look at the sheets. */
async function sharedStringColumns(workbook: Workbook, plan: MaskPlan, sharedCount: number): Promise<{ ids: Uint16Array; keys: string[] }> {
  const ids = new Uint16Array(sharedCount);
  const keys = [...plan.columns.keys()].slice(0, 0xfffe);
  if (keys.length === 0 || sharedCount === 0) return { ids, keys };
  const idOf = new Map(keys.map((k, i) => [k, i + 1]));
  const tables = new Set([...plan.columns.values()].map((c) => c.table));
  const none: CellSink = { columns: () => undefined, cell: () => undefined };
  for (const entry of workbook.entries.filter((e) => SHEET.test(e.name))) {
    const table = sheetName(workbook, entry);
    if (!tables.has(table)) continue;
    const onSharedString = (column: number, _row: number, role: CellRole, index: number): void => {
      if (role === 'first' && plan.headers.has(table)) return;
      const id = idOf.get(columnKey(table, column));
      if (id !== undefined && index < ids.length && ids[index] === 0) ids[index] = id;
    };
    await drain(throughPart(workbook.source, entry, createSheetTransform(none, table, { emit: false, onSharedString }), undefined, () => undefined));
  }
  return { ids, keys };
}

/** Where a part's compressed bytes start, its CRC and times (from the local header, or the data descriptor). */
async function localInfo(source: ByteSource, entry: ZipEntry): Promise<{ dataStart: number; crc: number; time: number; date: number }> {
  const header = await source.read(entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) throw unreadable(`${entry.name}: bad local header`);
  const flags = header.readUInt16LE(6);
  const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  let crc = header.readUInt32LE(14);
  if (flags & 0x8) {
    const descriptor = await source.read(dataStart + entry.compressedSize, 8);
    if (descriptor.length < 8) throw unreadable(`${entry.name}: data descriptor missing (truncated file?)`);
    crc = descriptor.readUInt32LE(0) === 0x08074b50 ? descriptor.readUInt32LE(4) : descriptor.readUInt32LE(0);
  }
  return { dataStart, crc, time: header.readUInt16LE(10), date: header.readUInt16LE(12) };
}

async function* compressedBytes(source: ByteSource, start: number, length: number): AsyncGenerator<Buffer> {
  for (let read = 0; read < length; ) {
    const chunk = await source.read(start + read, Math.min(1024 * 1024, length - read));
    if (chunk.length === 0) throw unreadable('a part is cut short (truncated file?)');
    read += chunk.length;
    yield chunk;
  }
}

async function* utf8(pieces: AsyncIterable<string>): AsyncGenerator<Buffer> {
  for await (const piece of pieces) yield Buffer.from(piece, 'utf8');
}

class FileSink implements ByteSink {
  private readonly stream;
  bytes = 0;

  constructor(path: string) {
    this.stream = createWriteStream(path, { mode: 0o600, flags: 'wx' });
  }

  async write(bytes: Buffer): Promise<void> {
    this.bytes += bytes.length;
    if (!this.stream.write(bytes)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }

  destroy(): void {
    this.stream.destroy();
  }
}

/** Re-scan (VerifySink) or confirmation (ConfirmSink) over every XML part of a workbook file. */
async function scanParts(path: string, sink: CellSink, onRaw: Parameters<typeof createTextHitScanner>[1], finder: ReturnType<typeof createHitFinder>, pass: PassName, progress: XlsxProgress): Promise<void> {
  const workbook = await openWorkbook(path);
  try {
    const parts = workbook.entries.filter((e) => XML_PART.test(e.name));
    progress.begin(pass, parts.reduce((sum, e) => sum + e.uncompressedSize, 0));
    const raw = createTextHitScanner(finder, onRaw);
    for (const entry of parts) {
      // Sheets through their own parser (row numbers for messages), shared strings one by one, the rest as text and attributes.
      const transform = SHEET.test(entry.name)
        ? createSheetTransform(sink, sheetName(workbook, entry), { emit: false })
        : entry.name === SHARED_STRINGS
          ? createSharedStringsTransform((index, text, flags) => sink.cell('(shared strings)', 'text', index + 1, 'text', text, flags), { emit: false })
          : createXmlValuesTransform(sink, entry.name, { emit: false });
      await drain(throughPart(workbook.source, entry, transform, raw, (n) => progress.add(n)));
    }
    raw.end();
    progress.end();
  } finally {
    await workbook.source.close();
  }
}

export async function maskXlsx(inputPath: string, tempOutput: string, options: XlsxOptions, progress: XlsxProgress): Promise<XlsxResult> {
  const { settings } = options;
  const finder = createHitFinder(settings.detectors, settings.today);
  const filter = new RawValueFilter(options.filterBits, options.seed);
  const workbook = await openWorkbook(inputPath);
  let plan: MaskPlan;
  let sink: MaskSink;
  let masker: ValueMasker;
  let rows = 0;
  let sheets = 0;
  let sharedStrings = 0;
  const out = new FileSink(tempOutput);
  try {
    const surveyed = await survey(workbook, options, finder, filter, progress);
    plan = surveyed.plan;
    const shared = await sharedStringColumns(workbook, plan, surveyed.sharedCount);
    masker = new ValueMasker(settings, options.keys, (value) => filter.mayHave(value));
    sink = new MaskSink(plan, masker);
    const writer = new ZipWriter(out, options.zip64Threshold);
    const maskSink = sink;
    progress.begin('mask', workbook.entries.reduce((sum, e) => sum + (XML_PART.test(e.name) ? e.uncompressedSize : e.compressedSize), 0));
    for (const entry of workbook.entries) {
      const info = await localInfo(workbook.source, entry);
      if (!XML_PART.test(entry.name) || entry.name.endsWith('/')) {
        progress.add(entry.compressedSize);
        await writer.addCopied({ name: entry.name, method: entry.method, time: info.time, date: info.date, crc: info.crc, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize }, compressedBytes(workbook.source, info.dataStart, entry.compressedSize));
        continue;
      }
      let transform: FormatTransform;
      if (SHEET.test(entry.name)) {
        sheets++;
        transform = createSheetTransform(maskSink, sheetName(workbook, entry), { emit: true });
      } else if (entry.name === SHARED_STRINGS) {
        transform = createSharedStringsTransform((index, text, flags) => {
          const id = shared.ids[index] ?? 0;
          const column = id > 0 ? plan.columns.get(shared.keys[id - 1] ?? '') : undefined;
          return column ? maskSink.cell(column.table, column.column, 0, 'data', text, flags) : maskSink.cell('(shared strings)', 'text', 0, 'text', text, flags);
        }, { emit: true });
      } else {
        transform = createXmlValuesTransform(maskSink, '', { emit: true });
      }
      const large = entry.uncompressedSize >= (options.zip64Threshold ?? 0xffffffff) * 0.9 || entry.compressedSize >= (options.zip64Threshold ?? 0xffffffff) * 0.9;
      await writer.addDeflated(entry.name, info, utf8(throughPart(workbook.source, entry, transform, undefined, (n) => progress.add(n))), large);
      if (SHEET.test(entry.name)) rows += transform.counts.rows;
      if (entry.name === SHARED_STRINGS) sharedStrings = transform.counts.rows;
    }
    await writer.finish();
    await out.close();
    progress.end();
  } catch (err) {
    out.destroy();
    throw err;
  } finally {
    await workbook.source.close();
  }
  const checker = new OutputChecker(filter, options.seed ^ 0x2545f491);
  await scanParts(tempOutput, new VerifySink(finder, checker), (hit, line) => checker.check(hit, '', line), finder, 'verify', progress);
  const confirmed: Suspect[] = [];
  if (checker.suspects.size > 0) {
    const confirm = new ConfirmSink(finder, checker.suspects, options.seed ^ 0x2545f491);
    await scanParts(inputPath, confirm, (hit) => confirm.confirm(hit), finder, 'confirm', progress);
    for (const key of confirm.confirmed) {
      const suspect = checker.suspects.get(key);
      if (suspect) confirmed.push(suspect);
    }
  }
  return { plan, sink, masker, checker, confirmed, filter, rows, sheets, sharedStrings, outputBytes: out.bytes };
}
