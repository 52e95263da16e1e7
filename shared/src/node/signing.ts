import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import type { GroupAssignment, PolicyBundle, SignedGroupAssignment, SignedPolicy } from '../schemas/policy';

/** An Ed25519 key pair in portable text form. The private key never leaves the console's data dir. */
export interface SigningKeyPair {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SPKI DER, base64: what agents pin. */
  publicKey: string;
  keyId: string;
}

export function generateSigningKeyPair(): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: spki,
    keyId: keyIdOf(spki),
  };
}

/** Fingerprint of a public key: the first 16 hex digits of SHA-256 over its SPKI DER. */
export function keyIdOf(publicKeySpkiBase64: string): string {
  return createHash('sha256').update(Buffer.from(publicKeySpkiBase64, 'base64')).digest('hex').slice(0, 16);
}

/** Full SHA-256 (hex) over a public key's SPKI DER: what agents pin as `consoleSigningKeySha256` (keyIdOf is its first 16 digits). */
export function keySha256Of(publicKeySpkiBase64: string): string {
  return createHash('sha256').update(Buffer.from(publicKeySpkiBase64, 'base64')).digest('hex');
}

export function publicKeyFromPrivatePem(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' }).toString('base64');
}

function loadPublicKey(spkiBase64: string): KeyObject {
  return createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
}

/** Signs canonicalJson(value) with Ed25519; returns base64. */
export function signCanonical(value: unknown, privateKeyPem: string): string {
  return sign(null, Buffer.from(canonicalJson(value), 'utf8'), createPrivateKey(privateKeyPem)).toString('base64');
}

/** Verifies a base64 Ed25519 signature over canonicalJson(value). Never throws on bad input. */
export function verifyCanonical(value: unknown, signatureBase64: string, publicKeySpkiBase64: string): boolean {
  try {
    return verify(null, Buffer.from(canonicalJson(value), 'utf8'), loadPublicKey(publicKeySpkiBase64), Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

export function signPolicyBundle(bundle: PolicyBundle, key: SigningKeyPair): SignedPolicy {
  return { bundle, keyId: key.keyId, signature: signCanonical(bundle, key.privateKeyPem) };
}

/**
 * The same bundle bound to one group and to the signing key (`target`), signed: what the console
 * pushes to that group's agents. Deterministic (Ed25519 signs deterministically), so a group's
 * bundle for a serial is byte-identical on every push and every console node.
 */
export function signPolicyBundleForGroup(bundle: PolicyBundle, groupId: string, key: SigningKeyPair): SignedPolicy {
  return signPolicyBundle({ ...bundle, target: { groupId, keyId: key.keyId } }, key);
}

/** Signs "agent X is in group G" (see groupAssignment). */
export function signGroupAssignment(assignment: Omit<GroupAssignment, 'keyId'>, key: SigningKeyPair): SignedGroupAssignment {
  const full: GroupAssignment = { ...assignment, keyId: key.keyId };
  return { assignment: full, signature: signCanonical(full, key.privateKeyPem) };
}

/** Checks a group assignment against the pinned console key. Schema validation is the caller's job. */
export function verifyGroupAssignment(signed: SignedGroupAssignment, pinnedPublicKey: string): PolicyVerdict {
  if (signed.assignment.keyId !== keyIdOf(pinnedPublicKey)) return { ok: false, reason: 'unknown_key' };
  return verifyCanonical(signed.assignment, signed.signature, pinnedPublicKey) ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

export type PolicyVerdict = { ok: true } | { ok: false; reason: 'unknown_key' | 'bad_signature' };

/** Checks a signed policy against the pinned console key. Schema validation is the caller's job. */
export function verifySignedPolicy(signed: SignedPolicy, pinnedPublicKey: string): PolicyVerdict {
  if (signed.keyId !== keyIdOf(pinnedPublicKey)) return { ok: false, reason: 'unknown_key' };
  return verifyCanonical(signed.bundle, signed.signature, pinnedPublicKey) ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

/** SHA-256 hex of canonicalJson(value): the identity of a policy bundle in receipts. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
