/**
 * SipHash-2-4 with a 128-bit output (Aumasson and Bernstein): a keyed pseudo-random function made for
 * short messages, in plain TypeScript (browser-safe). Format-keeping masks draw from it with a random
 * key of the run: each masked value costs one digest, and for a 20-byte label SipHash does about a
 * tenth of HMAC-SHA256's work, which dominated masking. Pseudonyms keep HMAC-SHA256 with the firm's
 * key (documented, and comparable with other tools). Checked against OpenSSL's SIPHASH in its test.
 */
import { keyedDigest, type KeyedDigest } from './draw-stream';
import { LabelBuffer } from './utf8-label';

/** Little-endian 32-bit word of `bytes` at `i`. */
const word = (bytes: Uint8Array, i: number): number => (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16) | ((bytes[i + 3] ?? 0) << 24);

function writeWord(out: Uint8Array, at: number, value: number): void {
  out[at] = value & 0xff;
  out[at + 1] = (value >>> 8) & 0xff;
  out[at + 2] = (value >>> 16) & 0xff;
  out[at + 3] = value >>> 24;
}

const KEY = new Int32Array(4);

/**
 * SipHash-2-4-128 of `length` bytes of `message` under KEY (k0 high, k0 low, k1 high, k1 low); 16 bytes
 * into `out`. The state is eight 32-bit halves (high, low) of v0…v3 in local variables for the whole
 * digest, and the SipRound is written once: each turn of the loop is one round, and the steps around
 * the rounds (absorb a block, finalise, write half the output) happen when a group of rounds ends.
 */
function sipHash128(message: Uint8Array, length: number, out: Uint8Array): void {
  const k0h = KEY[0] ?? 0;
  const k0l = KEY[1] ?? 0;
  const k1h = KEY[2] ?? 0;
  const k1l = KEY[3] ?? 0;
  let v0h = k0h ^ 0x736f6d65;
  let v0l = k0l ^ 0x70736575;
  let v1h = k1h ^ 0x646f7261;
  let v1l = k1l ^ 0x6e646f6d ^ 0xee;
  let v2h = k0h ^ 0x6c796765;
  let v2l = k0l ^ 0x6e657261;
  let v3h = k1h ^ 0x74656462;
  let v3l = k1l ^ 0x79746573;
  const whole = length - (length % 8);
  /** Blocks: the whole 8-byte ones, then the last (remaining bytes and the length's low byte on top). */
  const blocks = whole / 8 + 1;
  let block = 0;
  let mh = 0;
  let ml = 0;
  /** 0: absorbing blocks; 1: first finalisation; 2: second. */
  let phase = 0;
  let rounds = 0;
  let t = 0;
  for (;;) {
    if (rounds === 0) {
      // Before a group of rounds.
      if (phase === 0) {
        if (block < blocks - 1) {
          ml = word(message, block * 8);
          mh = word(message, block * 8 + 4);
        } else {
          ml = 0;
          mh = (length & 0xff) << 24;
          for (let i = whole; i < length; i++) {
            const shift = (i - whole) * 8;
            if (shift < 32) ml |= (message[i] ?? 0) << shift;
            else mh |= (message[i] ?? 0) << (shift - 32);
          }
        }
        v3h ^= mh;
        v3l ^= ml;
        rounds = 2;
      } else {
        rounds = 4;
      }
    }
    // One SipRound on 32-bit halves.
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
    if (--rounds > 0) continue;
    // After a group of rounds.
    if (phase === 0) {
      v0h ^= mh;
      v0l ^= ml;
      if (++block < blocks) continue;
      v2l ^= 0xee;
      phase = 1;
    } else if (phase === 1) {
      writeWord(out, 0, v0l ^ v1l ^ v2l ^ v3l);
      writeWord(out, 4, v0h ^ v1h ^ v2h ^ v3h);
      v1l ^= 0xdd;
      phase = 2;
    } else {
      writeWord(out, 8, v0l ^ v1l ^ v2l ^ v3l);
      writeWord(out, 12, v0h ^ v1h ^ v2h ^ v3h);
      return;
    }
  }
}

/** The message bytes (all digests of the process share it: a digest runs to its end once started). */
const message = new LabelBuffer(8);

/** A KeyedDigest by SipHash-2-4-128 under a 16-byte key; messages are UTF-8 encoded. Returns 16 bytes. */
export function sipHash24(key: Uint8Array): KeyedDigest {
  if (key.length !== 16) throw new Error('SipHash needs a 16-byte key');
  const k0l = word(key, 0);
  const k0h = word(key, 4);
  const k1l = word(key, 8);
  const k1h = word(key, 12);
  const setKey = (): void => {
    KEY[0] = k0h;
    KEY[1] = k0l;
    KEY[2] = k1h;
    KEY[3] = k1l;
  };
  const into = (text: string, out: Uint8Array): void => {
    const length = message.write(text);
    setKey();
    sipHash128(message.bytes, length, out);
  };
  const labelInto = (prefix: string, value: string, out: Uint8Array): void => {
    const length = message.writeLabel(prefix, value);
    setKey();
    sipHash128(message.bytes, length, out);
  };
  return keyedDigest(16, into, labelInto);
}
