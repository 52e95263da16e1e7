/** Random access to bytes: a file on disk, or an archive entry already inflated into memory. */
import { open, type FileHandle } from 'node:fs/promises';

export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `position`; fewer at the end (or when the file shrank meanwhile). */
  read(position: number, length: number): Promise<Buffer>;
}

export function bufferSource(bytes: Buffer): ByteSource {
  return { size: bytes.length, read: async (position, length) => bytes.subarray(position, Math.min(bytes.length, position + length)) };
}

export interface FileSource extends ByteSource {
  close(): Promise<void>;
}

/** The size is taken once at open: a file that grows while scanned is read up to that size. */
export async function openFileSource(path: string): Promise<FileSource> {
  const handle = await open(path, 'r');
  try {
    return { ...(await handleSource(handle)), close: () => handle.close() };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/**
 * A file the caller opened itself (with O_NOFOLLOW, after checking what it is): read by position,
 * up to its size at this call. The caller closes the handle.
 */
export async function handleSource(handle: FileHandle): Promise<ByteSource> {
  const { size } = await handle.stat();
  return {
    size,
    async read(position, length) {
      const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - position)));
      if (buffer.length === 0) return buffer;
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      return buffer.subarray(0, bytesRead);
    },
  };
}

/** Reads the whole source in chunks, in order. */
export async function* readChunks(source: ByteSource, chunkBytes = 1024 * 1024): AsyncGenerator<Buffer> {
  for (let position = 0; position < source.size; ) {
    const chunk = await source.read(position, chunkBytes);
    if (chunk.length === 0) return; // shrank under us
    position += chunk.length;
    yield chunk;
  }
}
