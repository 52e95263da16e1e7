/**
 * Scans a file for personal data: text (UTF-8, GB18030, UTF-16), Office Open XML, zip archives one
 * level deep and PDF text, within ExtractionLimits. Every problem with the file's content —
 * encrypted, unparseable, over a limit — is a result, never an exception: the agent stays up and
 * policy decides what an unreadable file means. Only failing to open the file at all throws.
 */
import type { FileHandle } from 'node:fs/promises';
import { createScanEngine, textRounds, type ContentReport, type ContentScanOptions, type ScanEngine, type TextRounds } from '../../content';
import { bufferSource, handleSource, openFileSource, readChunks, type ByteSource } from './byte-source';
import { DEFAULT_EXTRACTION_LIMITS, ExtractionBudget, LimitReached, type ExtractionLimits, type LimitName } from './extraction-limits';
import { hasOoxmlExtension, isTextPart, sniffMagic, zipFormat, type FileFormat } from './file-formats';
import { extractPdfText } from './pdf-text';
import { createStreamDecoder, detectEncoding, looksBinary, type TextEncodingName } from './text-decoding';
import { utf8Rounds, type Utf8Rounds } from './utf8-rounds';
import { createXmlTextExtractor } from './xml-text';
import { readZipDirectory, readZipEntry, type ZipEntry } from './zip-reader';

export type ExtractionOutcome = 'scanned' | 'encrypted' | 'unparseable' | 'unsupported' | 'limit-exceeded';

export interface PartScanResult {
  /** The entry's name inside the archive ('' for the file itself). */
  name: string;
  format: FileFormat;
  outcome: ExtractionOutcome;
  detail?: string;
  limit?: LimitName;
  encoding?: TextEncodingName;
}

export interface FileScanResult extends PartScanResult {
  size: number;
  /** Entries of an archive, each with its own outcome (an encrypted entry in a readable zip). */
  entries: PartScanResult[];
  /** Findings over all text that was read (partial when a limit stopped the scan). */
  report: ContentReport;
  elapsedMs: number;
}

export interface ScanFileOptions extends ContentScanOptions {
  limits?: Partial<ExtractionLimits>;
  /** Bytes per read of a text file (1 MiB); tests make it small to put values across reads. */
  readChunkBytes?: number;
  /** Decode every chunk of a UTF-8 file instead of searching its bytes (tests compare the two). */
  decodeUtf8?: boolean;
}

interface ScanContext {
  engine: ScanEngine;
  /** Decoded text into the engine's rounds (one stream for the file and all its entries). */
  scanner: TextRounds;
  /** A UTF-8 text file's bytes go to utf8Rounds instead of being decoded (built-in detectors only). */
  utf8Bytes: boolean;
  readChunkBytes?: number;
  budget: ExtractionBudget;
  entries: PartScanResult[];
}

/** Limits that end the whole scan, as opposed to the one entry that reached them. */
const SCAN_WIDE: ReadonlySet<LimitName> = new Set(['max-bytes', 'max-time', 'max-total-inflated']);

/**
 * Decodes and scans text; `countBytes` for file reads (zip entries are counted as they inflate).
 * `bytesOk` when nothing was scanned before this text: a UTF-8 text is then searched as bytes
 * (utf8Rounds), with the same findings as decoding it.
 */
async function scanTextChunks(chunks: AsyncIterable<Buffer>, first: Buffer | undefined, ctx: ScanContext, countBytes: boolean, bytesOk = false): Promise<TextEncodingName> {
  let decoder: ReturnType<typeof createStreamDecoder> | undefined;
  let bytes: Utf8Rounds | undefined;
  let encoding: TextEncodingName = 'utf-8';
  const take = (chunk: Buffer): void => {
    if (!decoder && !bytes) {
      encoding = detectEncoding(chunk);
      if (encoding === 'utf-8' && bytesOk && ctx.utf8Bytes) bytes = utf8Rounds(ctx.engine);
      else decoder = createStreamDecoder(encoding);
    }
    if (bytes) bytes.push(chunk);
    else ctx.scanner.push(decoder?.decode(chunk) ?? '');
  };
  if (first) take(first);
  for await (const chunk of chunks) {
    if (countBytes) ctx.budget.spend(chunk.length, false);
    take(chunk);
  }
  if (bytes) {
    bytes.finish(); // ends with the newline too
    return encoding;
  }
  if (decoder) ctx.scanner.push(decoder.end());
  ctx.scanner.push('\n'); // the next file or entry never continues this one's last value
  return encoding;
}

async function scanOoxml(source: ByteSource, format: 'docx' | 'xlsx' | 'pptx', entries: ZipEntry[], ctx: ScanContext): Promise<Omit<PartScanResult, 'name'>> {
  const parts = entries.filter((e) => isTextPart(format, e.name));
  if (parts.some((p) => p.encrypted)) return { format, outcome: 'encrypted' };
  try {
    for (const part of parts) {
      const decoder = createStreamDecoder('utf-8');
      const xml = createXmlTextExtractor();
      for await (const chunk of readZipEntry(source, part, ctx.budget)) ctx.scanner.push(xml.push(decoder.decode(chunk)));
      ctx.scanner.push(xml.push(decoder.end()) + xml.end() + '\n');
    }
  } catch (err) {
    // A damaged part: what was read so far stays in the report; the document is named as such.
    if (err instanceof LimitReached && SCAN_WIDE.has(err.limit)) throw err;
    if (err instanceof LimitReached) return { format, outcome: 'limit-exceeded', limit: err.limit };
    return { format, outcome: 'unparseable', detail: err instanceof Error ? err.message : String(err) };
  }
  return { format, outcome: 'scanned' };
}

/** The rest of an entry after its first chunk, in memory, bounded. */
async function collect(first: Buffer, rest: AsyncGenerator<Buffer>, maxBytes: number): Promise<Buffer> {
  const chunks = [first];
  let length = first.length;
  for await (const chunk of { [Symbol.asyncIterator]: () => rest }) {
    length += chunk.length;
    if (length > maxBytes) throw new LimitReached('max-in-memory');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length);
}

/** One entry of a plain zip: text streamed, containers and PDFs through memory (bounded). */
async function scanZipEntry(source: ByteSource, entry: ZipEntry, depth: number, ctx: ScanContext): Promise<PartScanResult> {
  const name = entry.name;
  if (entry.encrypted) return { name, format: 'binary', outcome: 'encrypted' };
  try {
    if (/\.(?:zip|docx|xlsx|pptx|pdf)$/i.test(name) && entry.uncompressedSize > ctx.budget.limits.maxInMemoryBytes) throw new LimitReached('max-in-memory');
    const chunks = readZipEntry(source, entry, ctx.budget);
    const first = await chunks.next();
    const head: Buffer = first.done ? Buffer.alloc(0) : first.value;
    const magic = sniffMagic(head);
    if (magic === 'zip' || magic === 'pdf' || magic === 'cfb') {
      const bytes = await collect(head, chunks, ctx.budget.limits.maxInMemoryBytes);
      return { ...(await scanSource(bufferSource(bytes), name, depth, ctx)), name };
    }
    if (looksBinary(head)) {
      await chunks.return(undefined);
      return { name, format: 'binary', outcome: 'unsupported' };
    }
    const encoding = await scanTextChunks({ [Symbol.asyncIterator]: () => chunks }, head, ctx, false);
    return { name, format: 'text', outcome: 'scanned', encoding };
  } catch (err) {
    if (err instanceof LimitReached && !SCAN_WIDE.has(err.limit)) return { name, format: 'binary', outcome: 'limit-exceeded', limit: err.limit };
    if (err instanceof LimitReached) throw err;
    return { name, format: 'binary', outcome: 'unparseable', detail: err instanceof Error ? err.message : String(err) };
  }
}

async function scanZip(source: ByteSource, depth: number, ctx: ScanContext): Promise<Omit<PartScanResult, 'name'>> {
  const directory = await readZipDirectory(source, ctx.budget.limits.maxZipEntries);
  if (!directory.ok) return { format: 'zip', outcome: directory.reason, detail: directory.detail };
  const format = zipFormat(directory.entries);
  if (format !== 'zip') return scanOoxml(source, format, directory.entries, ctx);
  if (depth + 1 > ctx.budget.limits.maxNestingDepth) return { format, outcome: 'limit-exceeded', limit: 'nesting-depth' };
  for (const entry of directory.entries) {
    if (entry.name.endsWith('/')) continue;
    ctx.entries.push(await scanZipEntry(source, entry, depth + 1, ctx));
  }
  return directory.truncated ? { format, outcome: 'limit-exceeded', limit: 'max-zip-entries' } : { format, outcome: 'scanned' };
}

async function scanPdf(source: ByteSource, ctx: ScanContext): Promise<Omit<PartScanResult, 'name'>> {
  if (source.size > ctx.budget.limits.maxInMemoryBytes) return { format: 'pdf', outcome: 'limit-exceeded', limit: 'max-in-memory' };
  const bytes = await source.read(0, source.size);
  ctx.budget.spend(bytes.length, false);
  const pdf = extractPdfText(bytes, { maxInflatedBytes: ctx.budget.limits.maxEntryInflatedBytes, spend: (inflated) => ctx.budget.spend(inflated, true) });
  if (pdf.kind !== 'text') return { format: 'pdf', outcome: pdf.kind, ...(pdf.kind === 'unparseable' ? { detail: pdf.detail } : {}) };
  ctx.scanner.push(`${pdf.text}\n`);
  // What was read before a limit is in the report; a scan-wide limit also ends the scan of a zip around it.
  if (pdf.limit && SCAN_WIDE.has(pdf.limit)) throw new LimitReached(pdf.limit);
  if (pdf.limit) return { format: 'pdf', outcome: 'limit-exceeded', limit: pdf.limit };
  // Two-byte (Type0) fonts without a ToUnicode map: their text is unknown, so do not claim a clean file.
  if (pdf.unmappedCodes > 0) return { format: 'pdf', outcome: 'unsupported', detail: `pdf: ${pdf.unmappedCodes} characters in two-byte (Type0/CID) fonts without a ToUnicode map not extracted` };
  return { format: 'pdf', outcome: 'scanned', ...(pdf.streams === 0 ? { detail: 'pdf: no text streams (scanned images?)' } : {}) };
}

async function scanSource(source: ByteSource, name: string, depth: number, ctx: ScanContext): Promise<Omit<PartScanResult, 'name'>> {
  const head = await source.read(0, 64 * 1024);
  const magic = sniffMagic(head);
  if (magic === 'zip') return scanZip(source, depth, ctx);
  if (magic === 'pdf') return scanPdf(source, ctx);
  if (magic === 'cfb') {
    return hasOoxmlExtension(name) ? { format: extensionFormat(name), outcome: 'encrypted' } : { format: 'legacy-office', outcome: 'unsupported', detail: 'legacy Office (OLE) formats are not read' };
  }
  if (looksBinary(head)) return { format: 'binary', outcome: 'unsupported' };
  // Only the file itself is text here (entries go through scanZipEntry): nothing was scanned before it.
  const encoding = await scanTextChunks(readChunks(source, ctx.readChunkBytes), undefined, ctx, true, depth === 0);
  return { format: 'text', outcome: 'scanned', encoding };
}

function extensionFormat(name: string): FileFormat {
  const ext = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase().slice(0, 3) ?? '';
  return ext === 'doc' ? 'docx' : ext === 'xls' ? 'xlsx' : ext === 'ppt' ? 'pptx' : 'binary';
}

async function scanWith(source: ByteSource, name: string, options: ScanFileOptions): Promise<FileScanResult> {
  const started = Date.now();
  const { limits, readChunkBytes, decodeUtf8, ...scanOptions } = options;
  const engine = createScanEngine(scanOptions);
  const ctx: ScanContext = {
    engine,
    scanner: textRounds(engine),
    utf8Bytes: engine.builtInOnly && decodeUtf8 !== true,
    ...(readChunkBytes !== undefined ? { readChunkBytes: Math.max(1, Math.floor(readChunkBytes)) } : {}),
    budget: new ExtractionBudget({ ...DEFAULT_EXTRACTION_LIMITS, ...limits }),
    entries: [],
  };
  let part: Omit<PartScanResult, 'name'>;
  try {
    part = await scanSource(source, name, 0, ctx);
  } catch (err) {
    part = err instanceof LimitReached
      ? { format: 'binary', outcome: 'limit-exceeded', limit: err.limit }
      : { format: 'binary', outcome: 'unparseable', detail: err instanceof Error ? err.message : String(err) };
  }
  ctx.scanner.flush();
  return { name: '', ...part, size: source.size, entries: ctx.entries, report: engine.report(), elapsedMs: Date.now() - started };
}

/** Scans the file at `path` (its name decides only what an OLE file is taken for). */
export async function scanFile(path: string, options: ScanFileOptions = {}): Promise<FileScanResult> {
  const source = await openFileSource(path);
  try {
    return await scanWith(source, path, options);
  } finally {
    await source.close();
  }
}

/**
 * Scans a file the caller opened (e.g. with O_NOFOLLOW | O_NONBLOCK after checking it is a regular
 * file), named by `name`; the caller closes the handle.
 */
export async function scanOpenFile(handle: FileHandle, name: string, options: ScanFileOptions = {}): Promise<FileScanResult> {
  return scanWith(await handleSource(handle), name, options);
}

/** Scans bytes already in memory (an upload, a test), named like a file. */
export function scanBytes(bytes: Buffer, name: string, options: ScanFileOptions = {}): Promise<FileScanResult> {
  return scanWith(bufferSource(bytes), name, options);
}
