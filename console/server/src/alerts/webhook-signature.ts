import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-dlp-signature';
export const TIMESTAMP_HEADER = 'x-dlp-timestamp';
export const DELIVERY_HEADER = 'x-dlp-delivery';

/** `sha256=<hex HMAC-SHA256 of the body>`; the body carries `sentAt`, so the signature covers the time too. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * What a receiver does: recompute the HMAC over the raw body (constant-time compare), check that the
 * timestamp header equals the body's `sentAt` and is recent. Exported for tests and as a reference.
 */
export function verifyWebhook(secret: string, body: string, signature: string | undefined, timestamp: string | undefined, nowMs: number, toleranceSeconds = 300): boolean {
  if (signature === undefined || timestamp === undefined) return false;
  const expected = Buffer.from(signWebhookBody(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
  let sentAt: unknown;
  try {
    sentAt = (JSON.parse(body) as { sentAt?: unknown }).sentAt;
  } catch {
    return false;
  }
  if (typeof sentAt !== 'number' || String(sentAt) !== timestamp) return false;
  return Math.abs(nowMs / 1000 - sentAt) <= toleranceSeconds;
}
