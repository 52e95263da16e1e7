import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The CSRF token of a cookie session: HMAC-SHA256 keyed with the session token. Nothing is stored,
 * every console node derives the same value, and the token reveals nothing about the (HttpOnly)
 * session cookie it is derived from.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('dlp-csrf-v1', 'utf8').digest('base64url');
}

/** Constant-time check of a presented `x-csrf-token` header. */
export function csrfTokenMatches(sessionToken: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken), 'utf8');
  const actual = Buffer.from(presented, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
