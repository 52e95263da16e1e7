import { describeIssues, signedPolicy, type PolicyBundle, type SignedPolicy } from '@dlp/shared';
import { canonicalHash, keyIdOf, verifySignedPolicy } from '@dlp/shared/node';

/** A policy that passed schema and signature checks. */
export interface VerifiedPolicy {
  /** The parsed policy (defaults filled in): what the controls enforce. */
  signed: SignedPolicy;
  /** The bundle exactly as signed, for storage and for the receipt hash. */
  rawBundle: unknown;
  serial: number;
  /** canonicalHash(bundle as signed): the policy's identity in receipts. */
  hash: string;
}

export type VerifyResult =
  | { ok: true; policy: VerifiedPolicy }
  | { ok: false; reason: string; tampering: boolean; serial?: number; hash?: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Schema, then signature against the PINNED console key. The signature is checked over the bundle
 * as received, not as re-parsed: parsing fills in defaults, and the console signed what it sent.
 */
export function verifyPolicy(raw: unknown, pinnedPublicKey: string | null): VerifyResult {
  if (!isRecord(raw)) return { ok: false, reason: 'policy is not a JSON object', tampering: false };
  if (raw.signature === undefined) return { ok: false, reason: 'unsigned policy', tampering: true };
  const parsed = signedPolicy.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `invalid policy: ${describeIssues(parsed.error)}`, tampering: false };
  const serial = parsed.data.bundle.serial;
  const hash = canonicalHash(raw.bundle);
  if (pinnedPublicKey === null) return { ok: false, reason: 'no console key pinned yet (not enrolled)', tampering: false, serial, hash };
  // The parse succeeded, so raw.bundle has exactly the schema's shape minus defaults; the cast only
  // lets the shared verifier see it as the type it was signed as.
  const asSigned = { bundle: raw.bundle as PolicyBundle, keyId: parsed.data.keyId, signature: parsed.data.signature };
  const verdict = verifySignedPolicy(asSigned, pinnedPublicKey);
  if (!verdict.ok) {
    const reason =
      verdict.reason === 'unknown_key'
        ? `signed by another key (${parsed.data.keyId}, pinned ${keyIdOf(pinnedPublicKey)})`
        : 'signature does not match the content (tampered)';
    return { ok: false, reason, tampering: true, serial, hash };
  }
  return { ok: true, policy: { signed: parsed.data, rawBundle: raw.bundle, serial, hash } };
}
