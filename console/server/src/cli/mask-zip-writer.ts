/**
 * Writes the masked xlsx: a zip written front to back. Parts that were not rewritten are copied with
 * their compressed bytes, CRC and times untouched; rewritten parts are deflated as they stream, with
 * their CRC and sizes in a data descriptor after the data and in the central directory. Zip64 records
 * are written where a size or offset needs them (`zip64Threshold` is lowered by tests to cover them).
 */
import { crc32, createDeflateRaw } from 'node:zlib';

export interface ByteSink {
  write(bytes: Buffer): Promise<void>;
}

interface CentralRecord {
  name: Buffer;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  offset: number;
}

const UTF8_NAME = 0x800;
const DATA_DESCRIPTOR = 0x8;
const MAX32 = 0xffffffff;

export interface CopiedEntry {
  name: string;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
}

export class ZipWriter {
  private offset = 0;
  private readonly records: CentralRecord[] = [];

  constructor(
    private readonly out: ByteSink,
    private readonly zip64Threshold = MAX32,
  ) {}

  private async put(bytes: Buffer): Promise<void> {
    this.offset += bytes.length;
    await this.out.write(bytes);
  }

  private localHeader(record: Omit<CentralRecord, 'offset'>, zip64: boolean): Buffer {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(zip64 ? 45 : 20, 4);
    header.writeUInt16LE(record.flags, 6);
    header.writeUInt16LE(record.method, 8);
    header.writeUInt16LE(record.time, 10);
    header.writeUInt16LE(record.date, 12);
    const streamed = (record.flags & DATA_DESCRIPTOR) !== 0;
    header.writeUInt32LE(streamed ? 0 : record.crc, 14);
    header.writeUInt32LE(zip64 ? MAX32 : streamed ? 0 : record.compressedSize, 18);
    header.writeUInt32LE(zip64 ? MAX32 : streamed ? 0 : record.uncompressedSize, 22);
    header.writeUInt16LE(record.name.length, 26);
    let extra = Buffer.alloc(0);
    if (zip64) {
      extra = Buffer.alloc(20);
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(streamed ? 0 : record.uncompressedSize), 4);
      extra.writeBigUInt64LE(BigInt(streamed ? 0 : record.compressedSize), 12);
    }
    header.writeUInt16LE(extra.length, 28);
    return Buffer.concat([header, record.name, extra]);
  }

  /** A part copied as it is: its compressed bytes, CRC and sizes from the input archive. */
  async addCopied(entry: CopiedEntry, compressed: AsyncIterable<Buffer>): Promise<void> {
    const record = { name: Buffer.from(entry.name, 'utf8'), flags: UTF8_NAME, method: entry.method, time: entry.time, date: entry.date, crc: entry.crc, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize };
    const offset = this.offset;
    const zip64 = entry.compressedSize >= this.zip64Threshold || entry.uncompressedSize >= this.zip64Threshold;
    await this.put(this.localHeader(record, zip64));
    let written = 0;
    for await (const chunk of compressed) {
      written += chunk.length;
      await this.put(chunk);
    }
    if (written !== entry.compressedSize) throw new Error(`zip entry ${entry.name}: copied ${written} of ${entry.compressedSize} bytes`);
    this.records.push({ ...record, offset });
  }

  /** A rewritten part, deflated as it streams. `large`: it may pass the zip64 threshold (8-byte descriptor sizes). */
  async addDeflated(name: string, times: { time: number; date: number }, data: AsyncIterable<Buffer>, large: boolean): Promise<void> {
    const record = { name: Buffer.from(name, 'utf8'), flags: UTF8_NAME | DATA_DESCRIPTOR, method: 8, time: times.time, date: times.date, crc: 0, compressedSize: 0, uncompressedSize: 0 };
    const offset = this.offset;
    await this.put(this.localHeader(record, large));
    const deflater = createDeflateRaw({ level: 6 });
    let crc = 0;
    let uncompressed = 0;
    const feeding = (async () => {
      try {
        for await (const chunk of data) {
          crc = crc32(chunk, crc);
          uncompressed += chunk.length;
          if (!deflater.write(chunk)) await new Promise<void>((resolve) => deflater.once('drain', resolve));
        }
        deflater.end();
      } catch (err) {
        deflater.destroy(err instanceof Error ? err : new Error(String(err)));
      }
    })();
    let compressed = 0;
    for await (const chunk of deflater as AsyncIterable<Buffer>) {
      compressed += chunk.length;
      await this.put(chunk);
    }
    await feeding;
    const wide = large || compressed >= this.zip64Threshold || uncompressed >= this.zip64Threshold;
    if (wide && !large) throw new Error(`zip entry ${name} grew past 4 GiB unexpectedly`);
    const descriptor = Buffer.alloc(wide ? 24 : 16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    if (wide) {
      descriptor.writeBigUInt64LE(BigInt(compressed), 8);
      descriptor.writeBigUInt64LE(BigInt(uncompressed), 16);
    } else {
      descriptor.writeUInt32LE(compressed, 8);
      descriptor.writeUInt32LE(uncompressed, 12);
    }
    await this.put(descriptor);
    this.records.push({ ...record, crc: crc >>> 0, compressedSize: compressed, uncompressedSize: uncompressed, offset });
  }

  /** The central directory and end records. */
  async finish(): Promise<void> {
    const start = this.offset;
    const parts: Buffer[] = [];
    for (const r of this.records) {
      const big = { usize: r.uncompressedSize >= this.zip64Threshold, csize: r.compressedSize >= this.zip64Threshold, offset: r.offset >= this.zip64Threshold };
      const extraFields = [big.usize ? r.uncompressedSize : undefined, big.csize ? r.compressedSize : undefined, big.offset ? r.offset : undefined].filter((v): v is number => v !== undefined);
      const extra = Buffer.alloc(extraFields.length > 0 ? 4 + 8 * extraFields.length : 0);
      if (extraFields.length > 0) {
        extra.writeUInt16LE(0x0001, 0);
        extra.writeUInt16LE(8 * extraFields.length, 2);
        extraFields.forEach((v, i) => extra.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
      }
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(0x0300 | (extra.length > 0 ? 45 : 20), 4); // made by: Unix
      central.writeUInt16LE(extra.length > 0 ? 45 : 20, 6);
      central.writeUInt16LE(r.flags, 8);
      central.writeUInt16LE(r.method, 10);
      central.writeUInt16LE(r.time, 12);
      central.writeUInt16LE(r.date, 14);
      central.writeUInt32LE(r.crc, 16);
      central.writeUInt32LE(big.csize ? MAX32 : r.compressedSize, 20);
      central.writeUInt32LE(big.usize ? MAX32 : r.uncompressedSize, 24);
      central.writeUInt16LE(r.name.length, 28);
      central.writeUInt16LE(extra.length, 30);
      central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
      central.writeUInt32LE(big.offset ? MAX32 : r.offset, 42);
      parts.push(central, r.name, extra);
    }
    const directory = Buffer.concat(parts);
    await this.put(directory);
    const count = this.records.length;
    const zip64 = count >= 0xffff || start >= this.zip64Threshold || directory.length >= this.zip64Threshold;
    if (zip64) {
      const endAt = this.offset;
      const end64 = Buffer.alloc(56);
      end64.writeUInt32LE(0x06064b50, 0);
      end64.writeBigUInt64LE(44n, 4);
      end64.writeUInt16LE(45, 12);
      end64.writeUInt16LE(45, 14);
      end64.writeBigUInt64LE(BigInt(count), 24);
      end64.writeBigUInt64LE(BigInt(count), 32);
      end64.writeBigUInt64LE(BigInt(directory.length), 40);
      end64.writeBigUInt64LE(BigInt(start), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(endAt), 8);
      locator.writeUInt32LE(1, 16);
      await this.put(Buffer.concat([end64, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(zip64 ? 0xffff : count, 8);
    end.writeUInt16LE(zip64 ? 0xffff : count, 10);
    end.writeUInt32LE(zip64 ? MAX32 : directory.length, 12);
    end.writeUInt32LE(zip64 ? MAX32 : start, 16);
    await this.put(end);
  }
}
