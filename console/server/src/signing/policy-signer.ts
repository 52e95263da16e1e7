import type { PolicyBundle, SignedPolicy } from '@dlp/shared';
import { signPolicyBundle, type SigningKeyPair } from '@dlp/shared/node';

/** Signs policy bundles with the console key; services never see the private key itself. */
export interface PolicySigner {
  /** Fingerprint agents pin next to the public key. */
  readonly keyId: string;
  /** SPKI DER, base64. */
  readonly publicKey: string;
  sign(bundle: PolicyBundle): SignedPolicy;
}

export function createPolicySigner(key: SigningKeyPair): PolicySigner {
  return {
    keyId: key.keyId,
    publicKey: key.publicKey,
    sign: (bundle) => signPolicyBundle(bundle, key),
  };
}
