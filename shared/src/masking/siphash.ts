/**
 * SipHash-2-4 with a 128-bit output (Aumasson and Bernstein): a keyed pseudo-random function made for
 * short messages, in plain TypeScript (browser-safe). Format-keeping masks draw from it with a random
 * key of the run: each masked value costs one digest, and for a 20-byte label SipHash does about a
 * tenth of HMAC-SHA256's work, which dominated masking. Pseudonyms keep HMAC-SHA256 with the firm's
 * key (documented, and comparable with other tools). Checked against OpenSSL's SIPHASH in its test.
 */
import { keyedDigest, type KeyedDigest } from './draw-stream';

/**
 * The state as eight 32-bit halves (high, low) of v0…v3, in an Int32Array: module `let`s holding
 * values above 2^31 would be boxed numbers, allocated on every store.
 */
const V = new Int32Array(8);
const V0H = 0;
const V0L = 1;
const V1H = 2;
const V1L = 3;
const V2H = 4;
const V2L = 5;
const V3H = 6;
const V3L = 7;

/** `count` SipRounds over V: 64-bit additions and rotations on 32-bit halves, in local variables. */
function sipRounds(count: number): void {
  let v0h = V[V0H] ?? 0;
  let v0l = V[V0L] ?? 0;
  let v1h = V[V1H] ?? 0;
  let v1l = V[V1L] ?? 0;
  let v2h = V[V2H] ?? 0;
  let v2l = V[V2L] ?? 0;
  let v3h = V[V3H] ?? 0;
  let v3l = V[V3L] ?? 0;
  let t = 0;
  for (let r = 0; r < count; r++) {
    // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
    t = (v0l + v1l) | 0;
    v0h = (v0h + v1h + ((t >>> 0) < (v0l >>> 0) ? 1 : 0)) | 0;
    v0l = t;
    t = (v1h << 13) | (v1l >>> 19);
    v1l = (v1l << 13) | (v1h >>> 19);
    v1h = t ^ v0h;
    v1l ^= v0l;
    t = v0h;
    v0h = v0l;
    v0l = t;
    // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
    t = (v2l + v3l) | 0;
    v2h = (v2h + v3h + ((t >>> 0) < (v2l >>> 0) ? 1 : 0)) | 0;
    v2l = t;
    t = (v3h << 16) | (v3l >>> 16);
    v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
    v3h = t ^ v2h;
    // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
    t = (v0l + v3l) | 0;
    v0h = (v0h + v3h + ((t >>> 0) < (v0l >>> 0) ? 1 : 0)) | 0;
    v0l = t;
    t = (v3h << 21) | (v3l >>> 11);
    v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
    v3h = t ^ v0h;
    // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
    t = (v2l + v1l) | 0;
    v2h = (v2h + v1h + ((t >>> 0) < (v2l >>> 0) ? 1 : 0)) | 0;
    v2l = t;
    t = (v1h << 17) | (v1l >>> 15);
    v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
    v1h = t ^ v2h;
    t = v2h;
    v2h = v2l;
    v2l = t;
  }
  V[V0H] = v0h;
  V[V0L] = v0l;
  V[V1H] = v1h;
  V[V1L] = v1l;
  V[V2H] = v2h;
  V[V2L] = v2l;
  V[V3H] = v3h;
  V[V3L] = v3l;
}

/** Little-endian 32-bit word of `bytes` at `i`. */
const word = (bytes: Uint8Array, i: number): number => (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16) | ((bytes[i + 3] ?? 0) << 24);

let scratch = new Uint8Array(256);
const encoder = new TextEncoder();

/** The UTF-8 bytes of `text` in `scratch` (ASCII without TextEncoder); returns their count. */
function utf8Into(text: string): number {
  if (scratch.length < text.length * 3 + 8) scratch = new Uint8Array(text.length * 3 + 8);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) {
      const bytes = encoder.encode(text);
      scratch.set(bytes);
      return bytes.length;
    }
    scratch[i] = c;
  }
  return text.length;
}

function writeWord(out: Uint8Array, at: number, value: number): void {
  out[at] = value & 0xff;
  out[at + 1] = (value >>> 8) & 0xff;
  out[at + 2] = (value >>> 16) & 0xff;
  out[at + 3] = value >>> 24;
}

/** V ^= (high, low) at the two given halves. */
function xorInto(h: number, l: number, high: number, low: number): void {
  V[h] = (V[h] ?? 0) ^ high;
  V[l] = (V[l] ?? 0) ^ low;
}

/** The four halves XORed (v0 ^ v1 ^ v2 ^ v3), high or low. */
const fold = (half: number): number => ((V[V0H + half] ?? 0) ^ (V[V1H + half] ?? 0) ^ (V[V2H + half] ?? 0) ^ (V[V3H + half] ?? 0)) >>> 0;

/** SipHash-2-4-128 of `length` bytes of `message` under the key (k0, k1 as halves); 16 bytes into `out`. */
function sipHash128(k0h: number, k0l: number, k1h: number, k1l: number, message: Uint8Array, length: number, out: Uint8Array): void {
  V[V0H] = k0h ^ 0x736f6d65;
  V[V0L] = k0l ^ 0x70736575;
  V[V1H] = k1h ^ 0x646f7261;
  V[V1L] = k1l ^ 0x6e646f6d ^ 0xee;
  V[V2H] = k0h ^ 0x6c796765;
  V[V2L] = k0l ^ 0x6e657261;
  V[V3H] = k1h ^ 0x74656462;
  V[V3L] = k1l ^ 0x79746573;
  const whole = length - (length % 8);
  for (let i = 0; i < whole; i += 8) {
    const ml = word(message, i);
    const mh = word(message, i + 4);
    xorInto(V3H, V3L, mh, ml);
    sipRounds(2);
    xorInto(V0H, V0L, mh, ml);
  }
  // The last block: the remaining bytes, and the length's low byte in the top byte.
  let bl = 0;
  let bh = (length & 0xff) << 24;
  for (let i = whole; i < length; i++) {
    const shift = (i - whole) * 8;
    if (shift < 32) bl |= (message[i] ?? 0) << shift;
    else bh |= (message[i] ?? 0) << (shift - 32);
  }
  xorInto(V3H, V3L, bh, bl);
  sipRounds(2);
  xorInto(V0H, V0L, bh, bl);
  xorInto(V2H, V2L, 0, 0xee);
  sipRounds(4);
  writeWord(out, 0, fold(1));
  writeWord(out, 4, fold(0));
  xorInto(V1H, V1L, 0, 0xdd);
  sipRounds(4);
  writeWord(out, 8, fold(1));
  writeWord(out, 12, fold(0));
}

/** A KeyedDigest by SipHash-2-4-128 under a 16-byte key; messages are UTF-8 encoded. Returns 16 bytes. */
export function sipHash24(key: Uint8Array): KeyedDigest {
  if (key.length !== 16) throw new Error('SipHash needs a 16-byte key');
  const k0l = word(key, 0);
  const k0h = word(key, 4);
  const k1l = word(key, 8);
  const k1h = word(key, 12);
  const into = (message: string, out: Uint8Array): void => sipHash128(k0h, k0l, k1h, k1l, scratch, utf8Into(message), out);
  return keyedDigest(16, into);
}
