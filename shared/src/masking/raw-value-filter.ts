/**
 * The raw values of the input, remembered without keeping them: a Bloom filter over a seeded hash of
 * each canonical value. Masking draws again when a masked value is (or may be) one of them, and the
 * re-scan of the output treats every detected value the filter knows as a suspect, confirmed against
 * the input before anything is reported. Memory is fixed at construction, whatever the input.
 * Blocked: all bits of a value lie in one 64-byte block, so a look-up costs one cache miss, not seven
 * (the filter is far bigger than the CPU's caches).
 */

/** Two 32-bit FNV-1a variants with a per-run seed (returned through H1 and H2: no array per call). */
let H1 = 0;
let H2 = 0;

function hashInto(value: string, seed: number): void {
  let a = 0x811c9dc5 ^ seed;
  let b = 0x01000193 ^ Math.imul(seed, 0x9e3779b1);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  H1 = a >>> 0;
  H2 = (b | 1) >>> 0;
}

/** A 106-bit key for exact sets of suspects (two seeds, two pairs). */
export function valueKey(value: string, seed: number): string {
  hashInto(value, seed);
  const first = `${H1.toString(36)}.${H2.toString(36)}`;
  hashInto(value, seed ^ 0x5f3759df);
  return `${first}.${H1.toString(36)}.${H2.toString(36)}`;
}

const BLOCK_BYTES = 64;

/** The bit positions (0–511) of a value inside its block. */
function blockBits(h2: number, out: Uint16Array): void {
  let x = h2;
  for (let i = 0; i < out.length; i++) {
    out[i] = x & 511;
    x = Math.imul(x ^ (x >>> 13), 0x5bd1e995) >>> 0;
    x ^= x >>> 15;
  }
}

export class RawValueFilter {
  private readonly bits: Uint8Array;
  /** Blocks minus one (a power of two). */
  private readonly blockMask: number;
  private readonly positions = new Uint16Array(8);
  /** Values added (repeats included). */
  added = 0;

  /** `sizeBits` is rounded up to a power of two, from 2^16 to 2^31 (256 MiB). */
  constructor(sizeBits: number, private readonly seed: number) {
    let size = 1 << 16;
    while (size < sizeBits && size < 2 ** 31) size *= 2;
    this.bits = new Uint8Array(size / 8);
    this.blockMask = size / 8 / BLOCK_BYTES - 1;
  }

  get byteLength(): number {
    return this.bits.length;
  }

  add(value: string): void {
    this.added++;
    hashInto(value, this.seed);
    const block = (H1 & this.blockMask) * BLOCK_BYTES;
    blockBits(H2, this.positions);
    for (const bit of this.positions) this.bits[block + (bit >>> 3)] = (this.bits[block + (bit >>> 3)] ?? 0) | (1 << (bit & 7));
  }

  /** False: certainly not a raw value. True: a raw value, or (rarely) a false alarm. */
  mayHave(value: string): boolean {
    hashInto(value, this.seed);
    const block = (H1 & this.blockMask) * BLOCK_BYTES;
    blockBits(H2, this.positions);
    for (const bit of this.positions) if (((this.bits[block + (bit >>> 3)] ?? 0) & (1 << (bit & 7))) === 0) return false;
    return true;
  }
}
