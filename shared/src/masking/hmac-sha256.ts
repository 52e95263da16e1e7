/**
 * HMAC-SHA256 (RFC 2104, FIPS 180-4) in plain TypeScript, keyed once: the key's inner and outer
 * blocks are hashed up front, so each message costs two compressions for short values (all masked
 * values are short) instead of four plus a native object per call. Browser-safe; checked against
 * node:crypto in its test.
 */
import { keyedDigest, type KeyedDigest } from './draw-stream';
import { LabelBuffer } from './utf8-label';

/** Round constants; Int32Array, as W and the states: a Uint32Array word above 2^31 reads as a double, not an int. */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const W = new Int32Array(64);

/** One SHA-256 compression of the 64-byte block at `block[offset…]` into `state`. */
function compress(state: Int32Array, block: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    W[i] = ((block[j] ?? 0) << 24) | ((block[j + 1] ?? 0) << 16) | ((block[j + 2] ?? 0) << 8) | (block[j + 3] ?? 0);
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15] ?? 0;
    const w2 = W[i - 2] ?? 0;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = ((W[i - 16] ?? 0) + s0 + (W[i - 7] ?? 0) + s1) | 0;
  }
  let a = state[0] ?? 0;
  let b = state[1] ?? 0;
  let c = state[2] ?? 0;
  let d = state[3] ?? 0;
  let e = state[4] ?? 0;
  let f = state[5] ?? 0;
  let g = state[6] ?? 0;
  let h = state[7] ?? 0;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + (K[i] ?? 0) + (W[i] ?? 0)) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = ((state[0] ?? 0) + a) | 0;
  state[1] = ((state[1] ?? 0) + b) | 0;
  state[2] = ((state[2] ?? 0) + c) | 0;
  state[3] = ((state[3] ?? 0) + d) | 0;
  state[4] = ((state[4] ?? 0) + e) | 0;
  state[5] = ((state[5] ?? 0) + f) | 0;
  state[6] = ((state[6] ?? 0) + g) | 0;
  state[7] = ((state[7] ?? 0) + h) | 0;
}

const STATE = new Int32Array(8);
/** The message, with room for its padding (64 bytes past the message's 3 bytes per UTF-16 unit). */
const message = new LabelBuffer(72);

/** SHA-256 of scratch[0…length) continuing from `start` (the state after 64 bytes already hashed); the digest goes to `out`. */
function finish(start: Int32Array, length: number, out: Uint8Array): void {
  const scratch = message.bytes;
  STATE.set(start);
  const padded = Math.ceil((length + 9) / 64) * 64;
  scratch.fill(0, length, padded);
  scratch[length] = 0x80;
  const bits = (64 + length) * 8;
  scratch[padded - 4] = bits >>> 24;
  scratch[padded - 3] = (bits >>> 16) & 0xff;
  scratch[padded - 2] = (bits >>> 8) & 0xff;
  scratch[padded - 1] = bits & 0xff;
  for (let at = 0; at < padded; at += 64) compress(STATE, scratch, at);
  for (let i = 0; i < 8; i++) {
    const v = STATE[i] ?? 0;
    out[i * 4] = (v >>> 24) & 0xff;
    out[i * 4 + 1] = (v >>> 16) & 0xff;
    out[i * 4 + 2] = (v >>> 8) & 0xff;
    out[i * 4 + 3] = v & 0xff;
  }
}

/** HMAC-SHA256 keyed with `key`; messages are UTF-8 encoded. Returns 32 bytes. */
export function hmacSha256(key: Uint8Array): KeyedDigest {
  const block = new Uint8Array(64);
  if (key.length > 64) {
    // A long key is replaced by its SHA-256 (computed from the initial state, with its own length).
    const state = Int32Array.from(INITIAL);
    const padded = Math.ceil((key.length + 9) / 64) * 64;
    const bytes = new Uint8Array(padded);
    bytes.set(key);
    bytes[key.length] = 0x80;
    const bits = key.length * 8;
    new DataView(bytes.buffer).setUint32(padded - 4, bits >>> 0);
    for (let at = 0; at < padded; at += 64) compress(state, bytes, at);
    for (let i = 0; i < 8; i++) new DataView(block.buffer).setInt32(i * 4, state[i] ?? 0);
  } else block.set(key);
  const inner = Int32Array.from(INITIAL);
  const outer = Int32Array.from(INITIAL);
  compress(inner, block.map((b) => b ^ 0x36), 0);
  compress(outer, block.map((b) => b ^ 0x5c), 0);
  block.fill(0);
  const digestOf = (length: number, out: Uint8Array): void => {
    finish(inner, length, INNER_DIGEST);
    message.bytes.set(INNER_DIGEST);
    finish(outer, 32, out);
  };
  const into = (text: string, out: Uint8Array): void => digestOf(message.write(text), out);
  const labelInto = (prefix: string, value: string, out: Uint8Array): void => digestOf(message.writeLabel(prefix, value), out);
  return keyedDigest(32, into, labelInto);
}

/** The inner hash of the message being digested (copied into scratch before the outer hash). */
const INNER_DIGEST = new Uint8Array(32);
