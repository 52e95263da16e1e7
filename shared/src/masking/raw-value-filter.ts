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
/** Bits set per value (all in its block). */
const BITS_PER_VALUE = 8;

/** The bit positions (0–511) of a value inside its block. */
function blockBits(h2: number, out: Uint16Array): void {
  let x = h2;
  for (let i = 0; i < out.length; i++) {
    out[i] = x & 511;
    x = Math.imul(x ^ (x >>> 13), 0x5bd1e995) >>> 0;
    x ^= x >>> 15;
  }
}

/**
 * Values hashed and waiting for their bits (adds) or their answer (look-ups of the re-scan). The
 * filter is far bigger than the CPU's caches, so each value's block is a cache miss (and, in a
 * filter of hundreds of MiB, a TLB miss): touched one value at a time, right after hashing it, the
 * misses come one after another. Touched in a tight loop over a batch, the CPU has several in flight.
 */
const BATCH = 256;

export class RawValueFilter {
  private readonly bits: Uint8Array;
  /** Blocks minus one (a power of two). */
  private readonly blockMask: number;
  private readonly positions = new Uint16Array(BITS_PER_VALUE);
  /** Adds not yet written: each value's block offset and bit seed (a Bloom filter's adds commute). */
  private readonly pendingBlocks = new Int32Array(BATCH);
  private readonly pendingSeeds = new Int32Array(BATCH);
  private pending = 0;
  /** What the fetching loop read (kept so the loop is not removed as dead code). */
  private touched = 0;
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

  /** Adds `value`; its bits are written with the next batch (before any look-up). */
  add(value: string): void {
    this.added++;
    hashInto(value, this.seed);
    this.pendingBlocks[this.pending] = (H1 & this.blockMask) * BLOCK_BYTES;
    this.pendingSeeds[this.pending] = H2;
    if (++this.pending === BATCH) this.flush();
  }

  /** Writes the pending adds' bits. */
  private flush(): void {
    const bits = this.bits;
    const positions = this.positions;
    // Reads only, in a loop of a few instructions: the blocks are fetched together, in parallel.
    let touched = 0;
    for (let v = 0; v < this.pending; v++) touched |= bits[this.pendingBlocks[v] ?? 0] ?? 0;
    this.touched = touched;
    for (let v = 0; v < this.pending; v++) {
      const block = this.pendingBlocks[v] ?? 0;
      blockBits((this.pendingSeeds[v] ?? 0) >>> 0, positions);
      for (const bit of positions) bits[block + (bit >>> 3)] = (bits[block + (bit >>> 3)] ?? 0) | (1 << (bit & 7));
    }
    this.pending = 0;
  }

  /** False: certainly not a raw value. True: a raw value, or (rarely) a false alarm. */
  mayHave(value: string): boolean {
    if (this.pending > 0) this.flush();
    hashInto(value, this.seed);
    return this.test((H1 & this.blockMask) * BLOCK_BYTES, H2);
  }

  /** The block offset and bit seed of `value`, for mayHaveAll. */
  hashOf(value: string, blocks: Int32Array, seeds: Int32Array, at: number): void {
    hashInto(value, this.seed);
    blocks[at] = (H1 & this.blockMask) * BLOCK_BYTES;
    seeds[at] = H2;
  }

  /**
   * mayHave for `count` values hashed by hashOf, into `answers` (1: may have). The first bit of each
   * is tested in one loop (the misses overlap), the rest, in blocks now cached, only where it was set.
   */
  mayHaveAll(blocks: Int32Array, seeds: Int32Array, count: number, answers: Uint8Array): void {
    if (this.pending > 0) this.flush();
    const bits = this.bits;
    for (let v = 0; v < count; v++) {
      const bit = (seeds[v] ?? 0) & 511;
      answers[v] = (bits[(blocks[v] ?? 0) + (bit >>> 3)] ?? 0) & (1 << (bit & 7));
    }
    for (let v = 0; v < count; v++) if (answers[v] !== 0) answers[v] = this.test(blocks[v] ?? 0, (seeds[v] ?? 0) >>> 0) ? 1 : 0;
  }

  /** All bits of the value with this block offset and bit seed are set (blockBits's positions, each tested as it is made). */
  private test(block: number, seed: number): boolean {
    let x = seed >>> 0;
    for (let i = 0; i < BITS_PER_VALUE; i++) {
      const bit = x & 511;
      if (((this.bits[block + (bit >>> 3)] ?? 0) & (1 << (bit & 7))) === 0) return false;
      x = Math.imul(x ^ (x >>> 13), 0x5bd1e995) >>> 0;
      x ^= x >>> 15;
    }
    return true;
  }
}
