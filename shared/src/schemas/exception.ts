import { z } from 'zod';
import { agentId, positiveInt, sha256Hex, shortString, text, timestamp, usbId } from './primitives';

/** The USB device an exception or unlock code is for. Serial is required: VID:PID alone names a model, not a stick. */
export const deviceIdentity = z.strictObject({
  vendorId: usbId,
  productId: usbId,
  serial: shortString,
});
export type DeviceIdentity = z.infer<typeof deviceIdentity>;

/**
 * A time-boxed exception granted by an officer, signed by the console and bound to one agent. It
 * survives re-plug and agent restart and expires on its own.
 */
export const policyException = z.strictObject({
  id: z.uuidv7(),
  agentId,
  /** Monotonic per console, so a revoked exception cannot be replayed over a newer list. */
  serial: positiveInt,
  grantedAt: timestamp,
  expiresAt: timestamp,
  target: z.discriminatedUnion('kind', [
    /** This device may be used (allow) or used read-only on this agent. */
    z.strictObject({ kind: z.literal('usb-device'), device: deviceIdentity, action: z.enum(['allow', 'read-only']) }),
    /** Any mass-storage device may be used by this user on this agent. */
    z.strictObject({ kind: z.literal('usb-user'), user: shortString, action: z.enum(['allow', 'read-only']) }),
    /** This executable (by content) may run on this agent. */
    z.strictObject({ kind: z.literal('app'), sha256: sha256Hex }),
  ]),
  reason: text,
  grantedBy: shortString,
});
export type PolicyException = z.infer<typeof policyException>;

export const signedException = z.strictObject({
  exception: policyException,
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 Ed25519 signature'),
});
export type SignedException = z.infer<typeof signedException>;

/**
 * Offline unlock code as typed by an employee: 24 Crockford base32 characters in groups of four
 * (e.g. `7K2M-QX4P-...`). It carries expiry and a nonce, and a MAC over (agent id, device, expiry,
 * nonce) under the agent's unlock key, so the agent verifies it without network.
 */
export const unlockCodeText = z
  .string()
  .transform((s) => s.toUpperCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^[0-9A-HJKMNP-TV-Z]{24}$/, 'must be 24 characters of the unlock-code alphabet'));
