/**
 * Deterministic draws from a keyed digest: HMAC-SHA256 in the CLI (the firm's key for pseudonyms, a
 * random per-run key for format-keeping masks). The same label and key give the same draws, so a
 * value masks the same way wherever it appears; without the key nothing can be predicted. The digest
 * runs once per value: its bytes are used first, then they seed a small generator (xoshiro128**) for
 * the rare value that needs more, which keeps HMAC off the per-character path.
 * The digest is injected because this folder is browser-safe (no node:crypto).
 */

/** A keyed pseudo-random function: at least 16 bytes out per message. */
export interface KeyedDigest {
  (message: string): Uint8Array;
  /** The same digest written into `out` (`size` bytes), without a new array: the per-value path. */
  readonly into?: (message: string, out: Uint8Array) => void;
  /** The digest of `${prefix}\u0000${value}` into `out`, without making that string: a draw's label. */
  readonly labelInto?: (prefix: string, value: string, out: Uint8Array) => void;
  readonly size?: number;
}

/** A KeyedDigest from its allocation-free form: calling it returns a new array of `size` bytes. */
export function keyedDigest(size: number, into: (message: string, out: Uint8Array) => void, labelInto?: (prefix: string, value: string, out: Uint8Array) => void): KeyedDigest {
  const digest = (message: string): Uint8Array => {
    const out = new Uint8Array(size);
    into(message, out);
    return out;
  };
  return Object.assign(digest, labelInto ? { into, labelInto, size } : { into, size });
}

export class DrawStream {
  private bytes: Uint8Array;
  /** This stream's own buffer for digests that can write into one (reset reuses it). */
  private own = new Uint8Array(0);
  private at = 0;
  private s0 = 1;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(digest: KeyedDigest, label: string) {
    this.bytes = this.own;
    this.reset(digest, label);
  }

  /** Starts the stream again for `label`: what a new DrawStream(digest, label) would draw, without allocating one. */
  reset(digest: KeyedDigest, label: string): this {
    if (digest.into && digest.size !== undefined) {
      if (this.own.length !== digest.size) this.own = new Uint8Array(digest.size);
      digest.into(label, this.own);
      this.bytes = this.own;
    } else this.bytes = digest(label);
    return this.seeded();
  }

  /** reset(digest, `${prefix}\u0000${value}`), without making the label string when the digest can take it in parts. */
  resetLabel(digest: KeyedDigest, prefix: string, value: string): this {
    if (!digest.labelInto || digest.size === undefined) return this.reset(digest, `${prefix}\u0000${value}`);
    if (this.own.length !== digest.size) this.own = new Uint8Array(digest.size);
    digest.labelInto(prefix, value, this.own);
    this.bytes = this.own;
    return this.seeded();
  }

  /** The generator seeded from the digest's first 16 bytes, drawing from its bytes first. */
  private seeded(): this {
    this.at = 0;
    this.s0 = this.word(0) || 1;
    this.s1 = this.word(4);
    this.s2 = this.word(8);
    this.s3 = this.word(12);
    return this;
  }

  private word(i: number): number {
    const b = this.bytes;
    return ((b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24)) >>> 0;
  }

  private next32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  private byte(): number {
    if (this.at < this.bytes.length) return this.bytes[this.at++] ?? 0;
    return this.next32() & 0xff;
  }

  /** Uniform in [0, n) for n ≤ 256, by rejection so no value is favoured. */
  below(n: number): number {
    const limit = 256 - (256 % n);
    for (;;) {
      const b = this.byte();
      if (b < limit) return b % n;
    }
  }

  /** Uniform in [0, n) for n up to 2^24 (three bytes, by rejection). */
  int(n: number): number {
    if (n <= 256) return this.below(n);
    const limit = 0x1000000 - (0x1000000 % n);
    for (;;) {
      const v = (this.byte() << 16) | (this.byte() << 8) | this.byte();
      if (v < limit) return v % n;
    }
  }

  pick(chars: string): string {
    return chars.charAt(this.below(chars.length));
  }

  pickOf<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }

  digit(): string {
    return DIGIT_CHARS[this.below(10)] ?? '0';
  }
}

const DIGIT_CHARS = '0123456789'.split('');

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;
