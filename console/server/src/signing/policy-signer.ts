import type { PolicyBundle, SignedGroupAssignment, SignedPolicy } from '@dlp/shared';
import { signGroupAssignment, signPolicyBundle, signPolicyBundleForGroup, type SigningKeyPair } from '@dlp/shared/node';

/** Signs policy bundles with the console key; services never see the private key itself. */
export interface PolicySigner {
  /** Fingerprint agents pin next to the public key. */
  readonly keyId: string;
  /** SPKI DER, base64. */
  readonly publicKey: string;
  sign(bundle: PolicyBundle): SignedPolicy;
  /**
   * The stored version bound to one group (`bundle.target`): what that group's agents receive. An
   * agent refuses it in any other group, so a looser bundle of group B cannot be replayed to group A.
   */
  forGroup(signed: SignedPolicy, groupId: string): SignedPolicy;
  /** "Agent X is in group G" with the agent's move counter as anti-rollback serial. */
  assignment(agentId: string, groupId: string, serial: number): SignedGroupAssignment;
}

/** Bound bundles kept for reuse: one per (serial, group) pushed lately; signing again gives the same bytes. */
const BOUND_CACHE_SIZE = 256;

export function createPolicySigner(key: SigningKeyPair): PolicySigner {
  const bound = new Map<string, SignedPolicy>();
  return {
    keyId: key.keyId,
    publicKey: key.publicKey,
    sign: (bundle) => signPolicyBundle(bundle, key),
    forGroup: (signed, groupId) => {
      const cacheKey = `${signed.bundle.serial}\u0000${groupId}`;
      const cached = bound.get(cacheKey);
      // Same serial, same group: same content (a serial is allocated once), unless the key changed.
      if (cached && cached.keyId === key.keyId && cached.bundle.policyId === signed.bundle.policyId) return cached;
      const { target: _ignored, ...unbound } = signed.bundle;
      const result = signPolicyBundleForGroup(unbound, groupId, key);
      if (bound.size >= BOUND_CACHE_SIZE) {
        const oldest = bound.keys().next().value;
        if (oldest !== undefined) bound.delete(oldest);
      }
      bound.set(cacheKey, result);
      return result;
    },
    assignment: (agentId, groupId, serial) => signGroupAssignment({ agentId, groupId, serial }, key),
  };
}
