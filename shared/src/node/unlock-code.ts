import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import type { DeviceIdentity } from '../schemas/exception';
import { unlockCodeText } from '../schemas/exception';

/**
 * Offline unlock codes: the console issues one for (agent, USB device, duration); the employee types
 * it on the workstation; the agent checks it without network and lets that device through until the
 * code expires. Each code is single use (its nonce is remembered by the agent until expiry).
 *
 * 24 Crockford base32 characters = 120 bits, most significant first:
 *   expiry (27 bits, minutes since the Unix epoch; enough until year 2225)
 *   nonce  (32 bits, random)
 *   mac    (51 bits, truncated HMAC-SHA256 under the per-agent unlock key)
 *   check  (10 bits, weighted sum of the 22 data characters mod 1021)
 * The check characters let us tell "mistyped" from "not valid here": a single wrong character or two
 * swapped neighbours among the data characters always changes the weighted sum (see checksumOf).
 */

/** Crockford base32 alphabet: no I, L, O, U, so codes read aloud or typed are hard to confuse. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const EXPIRY_BITS = 27n;
const NONCE_BITS = 32n;
const MAC_BITS = 51n;
const CHECK_BITS = 10n;
const DATA_CHARS = 22;
const CHECK_MODULUS = 1021;
const MAC_DOMAIN = 'dlp-unlock/v1';
const MS_PER_MINUTE = 60_000;

/** Longest validity a code may carry: an unlock code is a stop-gap, not a standing exception. */
export const MAX_UNLOCK_MINUTES = 30 * 24 * 60;
/** The per-agent unlock key is 32 random bytes. */
export const UNLOCK_KEY_BYTES = 32;

export interface IssuedUnlockCode {
  /** Grouped for reading aloud: `7K2M-QX4P-…` (6 groups of 4). */
  code: string;
  expiresAt: Date;
  /** 8 lowercase hex digits; the agent remembers it until `expiresAt` so the code works once. */
  nonce: string;
}

export type UnlockRefusal = 'format' | 'checksum' | 'not-valid' | 'expired' | 'reused';

export type UnlockVerdict =
  | { ok: true; nonce: string; expiresAt: Date }
  | { ok: false; reason: UnlockRefusal; message: string };

/** What the verifier needs to know about nonces already redeemed on this agent. */
export interface UsedNonces {
  has(nonce: string): boolean;
}

/** Creates a fresh per-agent unlock key (the console keeps it and hands it to the agent at enrollment). */
export function generateUnlockKey(): Buffer {
  return randomBytes(UNLOCK_KEY_BYTES);
}

/** Issues a code that lets `device` through on `agentId` for `durationMinutes` from `now`. */
export function issueUnlockCode(
  key: Uint8Array,
  agentId: string,
  device: DeviceIdentity,
  durationMinutes: number,
  now: Date | number = Date.now(),
): IssuedUnlockCode {
  return issueCode(key, unlockFields(agentId, device), durationMinutes, now);
}

/** What an unlock code's MAC covers besides expiry and nonce (the layout of dlp-unlock/v1). */
function unlockFields(agentId: string, device: DeviceIdentity): unknown[] {
  return [MAC_DOMAIN, agentId, device.vendorId.toLowerCase(), device.productId.toLowerCase(), device.serial];
}

function issueCode(key: Uint8Array, fields: readonly unknown[], durationMinutes: number, now: Date | number): IssuedUnlockCode {
  assertKey(key);
  if (!Number.isInteger(durationMinutes) || durationMinutes < 1 || durationMinutes > MAX_UNLOCK_MINUTES) {
    throw new RangeError(`durationMinutes must be an integer from 1 to ${MAX_UNLOCK_MINUTES}`);
  }
  // Rounded up so the code is valid for at least the duration asked for.
  const expiryMinutes = Math.ceil(toMs(now) / MS_PER_MINUTE) + durationMinutes;
  if (BigInt(expiryMinutes) > mask(EXPIRY_BITS)) throw new RangeError('expiry does not fit the code');
  const nonce = randomBytes(4).toString('hex');
  const mac = macBits(key, fields, expiryMinutes, nonce);
  const data = (BigInt(expiryMinutes) << (NONCE_BITS + MAC_BITS)) | (BigInt(`0x${nonce}`) << MAC_BITS) | mac;
  const dataChars = toBase32(data, DATA_CHARS);
  const check = checksumOf(dataChars);
  const all = dataChars + toBase32(BigInt(check), 2);
  return { code: (all.match(/.{4}/g) ?? []).join('-'), expiresAt: new Date(expiryMinutes * MS_PER_MINUTE), nonce };
}

/**
 * Checks a typed code for this agent and device. Order matters for the message the employee sees:
 * a typo is reported as a typo, and "expired" or "already used" only for codes that are genuine.
 */
export function verifyUnlockCode(
  key: Uint8Array,
  agentId: string,
  device: DeviceIdentity,
  code: string,
  now: Date | number,
  usedNonces: UsedNonces,
): UnlockVerdict {
  return verifyCode(key, unlockFields(agentId, device), code, now, usedNonces, 'this code is not valid for this device on this computer');
}

function verifyCode(key: Uint8Array, fields: readonly unknown[], code: string, now: Date | number, usedNonces: UsedNonces, notValid: string): UnlockVerdict {
  assertKey(key);
  const parsed = unlockCodeText.safeParse(normalizeTypedCode(code));
  if (!parsed.success) {
    return { ok: false, reason: 'format', message: 'an unlock code is 24 letters and digits (0-9, A-Z without I, L, O, U)' };
  }
  const chars = parsed.data;
  const dataChars = chars.slice(0, DATA_CHARS);
  if (Number(fromBase32(chars.slice(DATA_CHARS))) !== checksumOf(dataChars)) {
    return { ok: false, reason: 'checksum', message: 'the code looks mistyped: please check each character' };
  }
  const data = fromBase32(dataChars);
  const mac = data & mask(MAC_BITS);
  const nonce = ((data >> MAC_BITS) & mask(NONCE_BITS)).toString(16).padStart(8, '0');
  const expiryMinutes = Number(data >> (NONCE_BITS + MAC_BITS));
  const expected = macBits(key, fields, expiryMinutes, nonce);
  if (!timingSafeEqual(bitsToBuffer(mac), bitsToBuffer(expected))) {
    return { ok: false, reason: 'not-valid', message: notValid };
  }
  const expiresAt = new Date(expiryMinutes * MS_PER_MINUTE);
  if (toMs(now) >= expiresAt.getTime()) {
    return { ok: false, reason: 'expired', message: `this code expired at ${expiresAt.toISOString()}` };
  }
  if (usedNonces.has(nonce)) {
    return { ok: false, reason: 'reused', message: 'this code has already been used' };
  }
  return { ok: true, nonce, expiresAt };
}

/**
 * Uninstall codes (issue 14): the same 24 characters, keyed by the same per-agent key, under their
 * own MAC domain, so an uninstall code never unlocks a device and an unlock code never removes the
 * agent. The console issues one for an agent; the package's removal script checks it on the
 * workstation, offline, once (its nonce is remembered like an unlock code's).
 */
const UNINSTALL_DOMAIN = 'dlp-uninstall/v1';
/** An uninstall code is for a planned removal today, not a standing permission. */
export const MAX_UNINSTALL_MINUTES = 7 * 24 * 60;

export function issueUninstallCode(key: Uint8Array, agentId: string, durationMinutes: number, now: Date | number = Date.now()): IssuedUnlockCode {
  if (durationMinutes > MAX_UNINSTALL_MINUTES) throw new RangeError(`durationMinutes must be at most ${MAX_UNINSTALL_MINUTES}`);
  return issueCode(key, [UNINSTALL_DOMAIN, agentId], durationMinutes, now);
}

export function verifyUninstallCode(key: Uint8Array, agentId: string, code: string, now: Date | number, usedNonces: UsedNonces): UnlockVerdict {
  return verifyCode(key, [UNINSTALL_DOMAIN, agentId], code, now, usedNonces, 'this code is not an uninstall code for this computer');
}

/**
 * What people type: any case, spaces or dashes between groups, and the letters Crockford base32
 * reads as digits (O → 0, I and L → 1).
 */
export function normalizeTypedCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** A single-character correction of a mistyped code that makes its check characters match. */
export interface UnlockCodeCorrection {
  /** 1-based among the code's 24 characters (dashes and spaces not counted). */
  position: number;
  /** The corrected code, ungrouped. */
  code: string;
}

/**
 * Where a refused code (`format` or `checksum`) most likely went wrong, so the employee can be told
 * "check character N": the first character outside the code alphabet, or else the one position
 * where changing a single character makes the check characters match. Null when no single position
 * can be named from the code alone (wrong length, swapped neighbours, several candidates; the agent,
 * which holds the key, can then narrow `unlockCodeCorrections` down) or when there is no typo.
 */
export function unlockCodeTypoPosition(code: string): number | null {
  const chars = normalizeTypedCode(code);
  const bad = [...chars].findIndex((ch) => !ALPHABET.includes(ch));
  if (bad >= 0) return bad + 1;
  const positions = new Set(unlockCodeCorrections(code).map((c) => c.position));
  const [only] = positions;
  return positions.size === 1 && only !== undefined ? only : null;
}

/**
 * Every single-character change of a 24-character code that makes its check characters match (about
 * 1.7 on average for one mistyped character; the true correction is always among them). Empty when
 * the code is not 24 alphabet characters or already passes its check.
 */
export function unlockCodeCorrections(code: string): UnlockCodeCorrection[] {
  const chars = normalizeTypedCode(code);
  if (chars.length !== DATA_CHARS + 2 || [...chars].some((ch) => !ALPHABET.includes(ch)) || checksumMatches(chars)) return [];
  const corrections: UnlockCodeCorrection[] = [];
  for (let i = 0; i < chars.length; i++) {
    for (const alternative of ALPHABET) {
      if (alternative === chars.charAt(i)) continue;
      const corrected = chars.slice(0, i) + alternative + chars.slice(i + 1);
      if (checksumMatches(corrected)) corrections.push({ position: i + 1, code: corrected });
    }
  }
  return corrections;
}

function checksumMatches(chars: string): boolean {
  return Number(fromBase32(chars.slice(DATA_CHARS))) === checksumOf(chars.slice(0, DATA_CHARS));
}

/**
 * Σ (position+1) × value mod 1021 over the data characters. A single substitution changes the sum
 * by at most 22 × 31 < 1021 (never 0), and swapping neighbours changes it by their difference: both
 * are always caught.
 */
function checksumOf(dataChars: string): number {
  let sum = 0;
  for (let i = 0; i < dataChars.length; i++) sum += (i + 1) * ALPHABET.indexOf(dataChars.charAt(i));
  return sum % CHECK_MODULUS;
}

function macBits(key: Uint8Array, fields: readonly unknown[], expiryMinutes: number, nonce: string): bigint {
  // Canonical JSON of an array is unambiguous: no field can bleed into the next.
  const message = canonicalJson([...fields, expiryMinutes, nonce]);
  const digest = createHmac('sha256', key).update(message, 'utf8').digest();
  return BigInt(`0x${digest.subarray(0, 8).toString('hex')}`) >> (64n - MAC_BITS);
}

function bitsToBuffer(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(16, '0'), 'hex');
}

function toBase32(value: bigint, chars: number): string {
  let out = '';
  for (let i = chars - 1; i >= 0; i--) out += ALPHABET.charAt(Number((value >> BigInt(i * 5)) & 31n));
  return out;
}

function fromBase32(text: string): bigint {
  let value = 0n;
  for (const ch of text) value = (value << 5n) | BigInt(ALPHABET.indexOf(ch));
  return value;
}

function mask(bits: bigint): bigint {
  return (1n << bits) - 1n;
}

function toMs(now: Date | number): number {
  return typeof now === 'number' ? now : now.getTime();
}

function assertKey(key: Uint8Array): void {
  if (key.byteLength !== UNLOCK_KEY_BYTES) throw new RangeError(`the unlock key must be ${UNLOCK_KEY_BYTES} bytes`);
}

// The layout must fill exactly 24 characters; a future edit that breaks this fails at load, not in the field.
if (EXPIRY_BITS + NONCE_BITS + MAC_BITS !== BigInt(DATA_CHARS * 5) || CHECK_BITS !== 10n) {
  throw new Error('unlock-code layout does not add up to 24 characters');
}
