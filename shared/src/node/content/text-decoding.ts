/**
 * Which encoding a text file is in, from its first bytes: a BOM, else valid UTF-8, else GB18030
 * (Node 20's full-ICU TextDecoder knows it). GB18030 is the superset of GBK and GB2312, so files
 * saved by older Chinese Windows programs decode too.
 */
export type TextEncodingName = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

/** Bytes looked at to decide. */
export const ENCODING_SAMPLE_BYTES = 64 * 1024;

export function detectEncoding(sample: Uint8Array): TextEncodingName {
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  try {
    // `stream: true` leaves a sequence cut by the end of the sample pending instead of failing it.
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, ENCODING_SAMPLE_BYTES), { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** Looks like binary rather than text: NUL bytes in the sample of a file without a UTF-16 BOM. */
export function looksBinary(sample: Uint8Array): boolean {
  const utf16 = (sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff);
  return !utf16 && sample.subarray(0, 8192).includes(0);
}

/** A streaming decoder: invalid bytes become U+FFFD, so bad input costs nothing extra. */
export function createStreamDecoder(encoding: TextEncodingName): { decode(bytes: Uint8Array): string; end(): string } {
  const decoder = new TextDecoder(encoding, { ignoreBOM: false });
  return { decode: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
}
