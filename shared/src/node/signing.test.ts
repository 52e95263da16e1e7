import { policyDocument, type PolicyBundle } from '../schemas/policy';
import { canonicalHash, generateSigningKeyPair, keyIdOf, publicKeyFromPrivatePem, signPolicyBundle, verifyCanonical, verifySignedPolicy } from './signing';

const bundle: PolicyBundle = {
  policyId: '019ad0c4-7b5e-7c1a-8d2f-3a4b5c6d7e8f',
  version: 3,
  serial: 7,
  issuedAt: '2026-11-28T16:30:00.000Z',
  document: policyDocument.parse({ schema: 'dlp.policy/v1', name: 'Default', mode: 'enforce' }),
};

describe('Ed25519 policy signatures', () => {
  const key = generateSigningKeyPair();

  it('round-trips and derives the same public key and id from the private key', () => {
    expect(publicKeyFromPrivatePem(key.privateKeyPem)).toBe(key.publicKey);
    expect(keyIdOf(key.publicKey)).toBe(key.keyId);
    expect(verifySignedPolicy(signPolicyBundle(bundle, key), key.publicKey)).toEqual({ ok: true });
  });

  it('verifies regardless of key order in the stored JSON', () => {
    const signed = signPolicyBundle(bundle, key);
    const reordered = JSON.parse(JSON.stringify({ signature: signed.signature, keyId: signed.keyId, bundle: { ...signed.bundle, document: signed.bundle.document, issuedAt: signed.bundle.issuedAt } }));
    expect(verifySignedPolicy(reordered, key.publicKey)).toEqual({ ok: true });
  });

  it('refuses a tampered bundle, another key and garbage signatures', () => {
    const signed = signPolicyBundle(bundle, key);
    const tampered = { ...signed, bundle: { ...signed.bundle, document: { ...signed.bundle.document, mode: 'monitor' as const } } };
    expect(verifySignedPolicy(tampered, key.publicKey)).toEqual({ ok: false, reason: 'bad_signature' });
    const other = generateSigningKeyPair();
    expect(verifySignedPolicy(signPolicyBundle(bundle, other), key.publicKey)).toEqual({ ok: false, reason: 'unknown_key' });
    const forgedKeyId = { ...signPolicyBundle(bundle, other), keyId: key.keyId };
    expect(verifySignedPolicy(forgedKeyId, key.publicKey)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyCanonical(bundle, 'not base64 at all', key.publicKey)).toBe(false);
    expect(verifyCanonical(bundle, signed.signature, 'bm90IGEga2V5')).toBe(false);
  });

  it('hashes canonically', () => {
    expect(canonicalHash({ a: 1, b: 2 })).toBe(canonicalHash({ b: 2, a: 1 }));
    expect(canonicalHash(bundle)).toMatch(/^[0-9a-f]{64}$/);
  });
});
