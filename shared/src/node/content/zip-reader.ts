/**
 * A small zip reader over node:zlib (zip64 included): the central directory, then each entry inflated as a stream
 * with its inflated size counted as it comes, so a zip bomb stops at the limit whatever its
 * headers claim. No dependency: the format parts needed here are a few fixed-size records.
 */
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import type { ByteSource } from './byte-source';
import { LimitReached, type ExtractionBudget } from './extraction-limits';

export interface ZipEntry {
  name: string;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export type ZipDirectory =
  | { ok: true; entries: ZipEntry[]; truncated: boolean }
  | { ok: false; reason: 'unparseable' | 'unsupported'; detail: string };

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_END_SIGNATURE = 0x06064b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** Central directory bytes read at most (about 200,000 entries with 40-byte names). */
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

/** Reads the central directory (at most `maxEntries` entries). */
export async function readZipDirectory(source: ByteSource, maxEntries: number): Promise<ZipDirectory> {
  const tailLength = Math.min(source.size, EOCD_SIZE + MAX_COMMENT);
  const tail = await source.read(source.size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return { ok: false, reason: 'unparseable', detail: 'no end of central directory record' };
  let total = tail.readUInt16LE(eocd + 10);
  let directorySize = tail.readUInt32LE(eocd + 12);
  let directoryOffset = tail.readUInt32LE(eocd + 16);
  if (total === 0xffff || directoryOffset === 0xffffffff || directorySize === 0xffffffff) {
    const zip64 = await readZip64End(source, source.size - tailLength + eocd);
    if (!zip64) return { ok: false, reason: 'unparseable', detail: 'bad zip64 end of central directory' };
    ({ total, directorySize, directoryOffset } = zip64);
  }
  if (directoryOffset + directorySize > source.size) return { ok: false, reason: 'unparseable', detail: 'central directory outside the file' };
  const directory = await source.read(directoryOffset, Math.min(directorySize, MAX_DIRECTORY_BYTES));
  const entries: ZipEntry[] = [];
  let at = 0;
  while (entries.length < Math.min(total, maxEntries) && at + 46 <= directory.length) {
    if (directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) return { ok: false, reason: 'unparseable', detail: 'bad central directory record' };
    const flags = directory.readUInt16LE(at + 8);
    const nameLength = directory.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    if (next > directory.length) return { ok: false, reason: 'unparseable', detail: 'truncated central directory' };
    const entry: ZipEntry = {
      // Bit 11: the name is UTF-8; otherwise it is in the creator's code page (often GBK on Chinese Windows).
      name: new TextDecoder(flags & 0x800 ? 'utf-8' : 'gb18030').decode(directory.subarray(at + 46, at + 46 + nameLength)),
      method: directory.readUInt16LE(at + 10),
      encrypted: (flags & 0x1) !== 0,
      compressedSize: directory.readUInt32LE(at + 20),
      uncompressedSize: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    };
    applyZip64Extra(entry, directory.subarray(at + 46 + nameLength, at + 46 + nameLength + directory.readUInt16LE(at + 30)));
    entries.push(entry);
    at = next;
  }
  if (entries.length < Math.min(total, maxEntries) && directorySize <= MAX_DIRECTORY_BYTES) {
    return { ok: false, reason: 'unparseable', detail: 'central directory shorter than its entry count' };
  }
  return { ok: true, entries, truncated: entries.length < total };
}

/** Zip64: entry count and directory place from the zip64 end record the locator before `eocdAt` points to. */
async function readZip64End(source: ByteSource, eocdAt: number): Promise<{ total: number; directorySize: number; directoryOffset: number } | undefined> {
  if (eocdAt < 20) return undefined;
  const locator = await source.read(eocdAt - 20, 20);
  if (locator.length < 20 || locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) return undefined;
  const endAt = Number(locator.readBigUInt64LE(8));
  const end = await source.read(endAt, 56);
  if (end.length < 56 || end.readUInt32LE(0) !== ZIP64_END_SIGNATURE) return undefined;
  return { total: Number(end.readBigUInt64LE(32)), directorySize: Number(end.readBigUInt64LE(40)), directoryOffset: Number(end.readBigUInt64LE(48)) };
}

/** Zip64 extra field (0x0001): 8-byte values for the sizes and offset whose 4-byte fields are all ones, in that order. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const size = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const next = (): number | undefined => {
        if (field + 8 > at + 4 + size || field + 8 > extra.length) return undefined;
        const value = Number(extra.readBigUInt64LE(field));
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = next() ?? entry.uncompressedSize;
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next() ?? entry.compressedSize;
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next() ?? entry.localHeaderOffset;
      return;
    }
    at += 4 + size;
  }
}

/** Where the entry's compressed bytes start (after its local header, whose extra field may differ). */
async function dataOffset(source: ByteSource, entry: ZipEntry): Promise<number> {
  const header = await source.read(entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new Error('bad local header');
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + entry.compressedSize > source.size) throw new Error('entry data outside the file');
  return start;
}

/**
 * The entry's bytes, inflated, in chunks. Throws LimitReached past the per-entry or total limit
 * (counted on what actually inflates, not on the declared size), Error on corrupt data.
 */
export async function* readZipEntry(source: ByteSource, entry: ZipEntry, budget: ExtractionBudget, chunkBytes = 256 * 1024): AsyncGenerator<Buffer> {
  const maxEntry = budget.limits.maxEntryInflatedBytes;
  if (entry.uncompressedSize > maxEntry) throw new LimitReached('max-entry-inflated');
  const start = await dataOffset(source, entry);
  async function* compressed(): AsyncGenerator<Buffer> {
    for (let read = 0; read < entry.compressedSize; ) {
      const chunk = await source.read(start + read, Math.min(chunkBytes, entry.compressedSize - read));
      if (chunk.length === 0) throw new Error('entry data cut short');
      read += chunk.length;
      yield chunk;
    }
  }
  if (entry.method === 0) {
    for await (const chunk of compressed()) {
      budget.spend(chunk.length, true);
      yield chunk;
    }
    return;
  }
  if (entry.method !== 8) throw new Error(`compression method ${entry.method} is not supported`);
  const input = Readable.from(compressed(), { objectMode: false });
  const inflater = createInflateRaw({ chunkSize: 256 * 1024 });
  input.on('error', (err) => inflater.destroy(err));
  input.pipe(inflater);
  let inflated = 0;
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      inflated += chunk.length;
      if (inflated > maxEntry) throw new LimitReached('max-entry-inflated');
      budget.spend(chunk.length, true);
      yield chunk;
    }
  } finally {
    input.destroy();
    inflater.destroy();
  }
}

/** The whole entry in memory, for containers read by random access (a docx inside a zip, a PDF). */
export async function readZipEntryToBuffer(source: ByteSource, entry: ZipEntry, budget: ExtractionBudget): Promise<Buffer> {
  if (entry.uncompressedSize > budget.limits.maxInMemoryBytes) throw new LimitReached('max-in-memory');
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of readZipEntry(source, entry, budget)) {
    length += chunk.length;
    if (length > budget.limits.maxInMemoryBytes) throw new LimitReached('max-in-memory');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length);
}
