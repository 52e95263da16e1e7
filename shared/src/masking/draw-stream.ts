/**
 * Deterministic draws from a keyed digest: HMAC-SHA256 in the CLI (the firm's key for pseudonyms, a
 * random per-run key for format-keeping masks). The same label and key give the same draws, so a
 * value masks the same way wherever it appears; without the key nothing can be predicted. The digest
 * runs once per value: its bytes are used first, then they seed a small generator (xoshiro128**) for
 * the rare value that needs more, which keeps HMAC off the per-character path.
 * The digest is injected because this folder is browser-safe (no node:crypto).
 */

/** A keyed pseudo-random function: at least 16 bytes out per message. */
export type KeyedDigest = (message: string) => Uint8Array;

export class DrawStream {
  private readonly bytes: Uint8Array;
  private at = 0;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(digest: KeyedDigest, label: string) {
    this.bytes = digest(label);
    const word = (i: number): number => ((this.bytes[i] ?? 0) | ((this.bytes[i + 1] ?? 0) << 8) | ((this.bytes[i + 2] ?? 0) << 16) | ((this.bytes[i + 3] ?? 0) << 24)) >>> 0;
    this.s0 = word(0) || 1;
    this.s1 = word(4);
    this.s2 = word(8);
    this.s3 = word(12);
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
