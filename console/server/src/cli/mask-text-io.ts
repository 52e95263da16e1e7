/**
 * Bytes in and out of `dlp mask` for the text formats: the input's encoding found the way the content
 * scanner finds it (a BOM, else valid UTF-8, else GB18030), decoded strictly so a bad byte is an error
 * with its offset rather than a silent U+FFFD in the output; the output encoded back the same way
 * (BOM included) into a temporary file next to OUT.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { MaskInputError, encodeGb18030, type MaskFormat } from '@dlp/shared';
import { detectEncoding, openFileSource, readChunks, type TextEncodingName } from '@dlp/shared/node';

export const CHUNK_BYTES = 1024 * 1024;

/** The format from --format, the file name, then the content. */
export function detectFormat(path: string, head: Buffer, chosen: MaskFormat | undefined): MaskFormat {
  if (chosen) return chosen;
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  if (ext === 'jsonl' || ext === 'ndjson' || ext === 'json') return 'jsonl';
  if (ext === 'sql') return 'sql';
  if (ext === 'xlsx' || ext === 'xlsm') return 'xlsx';
  if (head[0] === 0x50 && head[1] === 0x4b) return 'xlsx';
  const text = head.subarray(0, 8192).toString('utf8');
  if (/^\s*[{[]/.test(text)) return 'jsonl';
  if (/\b(?:INSERT\s+INTO|CREATE\s+TABLE|COPY\s+\S+.*FROM\s+stdin)\b|^--\s*(?:MySQL|PostgreSQL|MariaDB)/im.test(text)) return 'sql';
  const firstLine = text.split('\n', 1)[0] ?? '';
  return (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? 'tsv' : 'csv';
}

export interface InputEncoding {
  encoding: TextEncodingName;
  /** A byte order mark at the start (written back to the output). */
  bom: boolean;
}

export function detectInputEncoding(head: Buffer, chosen: TextEncodingName | undefined): InputEncoding {
  const encoding = chosen ?? detectEncoding(head);
  const bom = encoding === 'utf-8' ? head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf : encoding.startsWith('utf-16') && (head[0] === 0xff || head[0] === 0xfe);
  return { encoding, bom };
}

/** Offset of the first byte that is not valid UTF-8 in `bytes` (which starts on a character boundary), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] ?? 0;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    if (i + length > bytes.length) return -1; // cut by the end of the chunk: the next one decides
    for (let k = 1; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    const second = bytes[i + 1] ?? 0;
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += length;
  }
  return -1;
}

/**
 * The file's text in pieces of about a chunk. Decoding is strict: invalid bytes end the run with
 * MaskInputError('invalid-encoding') giving the byte offset (UTF-8) or the chunk (other encodings).
 */
export async function* decodeFile(path: string, input: InputEncoding, onBytes: (n: number) => void): AsyncGenerator<string> {
  const source = await openFileSource(path);
  const decoder = new TextDecoder(input.encoding, { fatal: true, ignoreBOM: false });
  let position = 0;
  let tail: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of readChunks(source, CHUNK_BYTES)) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw invalidBytes(input.encoding, Buffer.concat([tail, chunk]), position - tail.length);
      }
      tail = chunk.subarray(Math.max(0, chunk.length - 3));
      position += chunk.length;
      onBytes(chunk.length);
      if (text !== '') yield text;
    }
    let rest: string;
    try {
      rest = decoder.decode();
    } catch {
      throw new MaskInputError('invalid-encoding', { offset: position, detail: input.encoding }, `the file ends in the middle of a ${input.encoding} character`);
    }
    if (rest !== '') yield rest;
  } finally {
    await source.close();
  }
}

function invalidBytes(encoding: TextEncodingName, bytes: Buffer, start: number): MaskInputError {
  if (encoding === 'utf-8') {
    // Find a character boundary near the start of what was carried, then the first bad byte.
    let from = 0;
    while (from < bytes.length && from < 4 && ((bytes[from] ?? 0) & 0xc0) === 0x80) from++;
    const at = firstInvalidUtf8(bytes.subarray(from));
    const offset = start + from + Math.max(0, at);
    return new MaskInputError('invalid-encoding', { offset, detail: encoding }, `invalid UTF-8 at byte ${offset} (a mysqldump with binary columns needs --hex-blob; a GBK file can be given --encoding gb18030)`);
  }
  return new MaskInputError('invalid-encoding', { offset: start, detail: encoding }, `invalid ${encoding} in bytes ${start}–${start + bytes.length - 1}`);
}

/** Text written to the temporary output in the input's encoding, with back-pressure. */
export class TextOutput {
  private readonly stream: WriteStream;
  private pending: string[] = [];
  private pendingLength = 0;
  bytes = 0;

  constructor(
    path: string,
    private readonly input: InputEncoding,
  ) {
    // 0600 until the re-scan has passed: a refused output must not be readable by others meanwhile.
    this.stream = createWriteStream(path, { mode: 0o600, flags: 'wx' });
  }

  private encode(text: string): Buffer {
    switch (this.input.encoding) {
      case 'gb18030':
        return Buffer.from(encodeGb18030(text));
      case 'utf-16le':
        return Buffer.from(text, 'utf16le');
      case 'utf-16be':
        return Buffer.from(text, 'utf16le').swap16();
      default:
        return Buffer.from(text, 'utf8');
    }
  }

  async start(): Promise<void> {
    await once(this.stream, 'open');
    if (!this.input.bom) return;
    await this.writeBytes(this.input.encoding === 'utf-8' ? Buffer.from([0xef, 0xbb, 0xbf]) : this.input.encoding === 'utf-16le' ? Buffer.from([0xff, 0xfe]) : Buffer.from([0xfe, 0xff]));
  }

  private async writeBytes(bytes: Buffer): Promise<void> {
    this.bytes += bytes.length;
    if (!this.stream.write(bytes)) await once(this.stream, 'drain');
  }

  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= 256 * 1024) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    let text = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    // A surrogate pair cut by a flush is encoded whole with the next one.
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.pending.push(text.slice(-1));
      this.pendingLength = 1;
      text = text.slice(0, -1);
    }
    await this.writeBytes(this.encode(text));
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.pending.length > 0) await this.writeBytes(this.encode(this.pending.join('')));
    this.stream.end();
    await once(this.stream, 'finish');
  }

  destroy(): void {
    this.stream.destroy();
  }
}
