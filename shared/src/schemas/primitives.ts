import { z } from 'zod';
import { LIMITS } from '../limits';

/** A short identifier or name: non-empty, bounded, no control characters. */
export const shortString = z
  .string()
  .min(1)
  .max(LIMITS.maxShortString)
  .refine((s) => !hasControlCharacter(s), 'must not contain control characters');

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Free text such as a description or a justification. */
export const text = z.string().max(LIMITS.maxText);

/** An absolute path or a glob over absolute paths. */
export const absolutePath = z
  .string()
  .min(1)
  .max(LIMITS.maxPath)
  .regex(/^\//, 'must be an absolute path')
  .refine((p) => !p.includes('\u0000'), 'must not contain NUL');

/** A lowercase hex SHA-256 digest. */
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');

/** ISO-8601 timestamp with offset, e.g. 2026-11-28T16:30:00.000Z. */
export const timestamp = z.iso.datetime({ offset: true });

/** Rule ids are referenced by events and reports, so they are stable slugs. */
export const ruleId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be letters, digits, . _ : - (starting with a letter or digit)');

/** Agent ids are UUIDv7 assigned by the console at enrollment. */
export const agentId = z.uuidv7();

/** A positive 53-bit-safe integer (sequence numbers, serials). */
export const positiveInt = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
export const nonNegativeInt = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Four hex digits, as USB vendor and product ids are written (`0781`). */
export const usbId = z.string().regex(/^[0-9a-f]{4}$/, 'must be 4 lowercase hex digits');
