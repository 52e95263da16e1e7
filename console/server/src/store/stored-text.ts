/**
 * How text is kept where the database cannot hold every character. Used by the PostgreSQL store for
 * every bound string, and by code that must order values as PostgreSQL orders what it stored
 * (sqlite/event-rollup-queries.ts).
 */

/** PostgreSQL text cannot hold NUL, SQLite's can; U+E000 (private use) escapes both directions. */
const ESCAPE = '\uE000';
// eslint-disable-next-line no-control-regex -- NUL is exactly the character to find
const NEEDS_ENCODING = /[\u0000\uE000]/;
const NEEDS_DECODING = /\uE000/;

/**
 * Makes a string storable in PostgreSQL text: NUL becomes U+E000 "0" and U+E000 itself is doubled.
 * The mapping is injective and works character by character, so equality, order of ordinary text
 * and prefixes are kept, and `decodeText` restores values exactly.
 * Agents' free-text fields may carry any character, and one NUL must not wedge their ingest.
 */
export function encodeText(value: string): string {
  if (!NEEDS_ENCODING.test(value)) return value;
  // eslint-disable-next-line no-control-regex -- NUL is exactly the character to replace
  return value.replace(/[\u0000\uE000]/g, (c) => (c === '\u0000' ? `${ESCAPE}0` : `${ESCAPE}${ESCAPE}`));
}

/** The inverse of `encodeText`. */
export function decodeText(value: string): string {
  if (!NEEDS_DECODING.test(value)) return value;
  return value.replace(/\uE000([0\uE000])/g, (_match, c: string) => (c === '0' ? '\u0000' : ESCAPE));
}
