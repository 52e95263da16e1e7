import type { PolicyException, SignedException } from '@dlp/shared';
import { signCanonical, type SigningKeyPair } from '@dlp/shared/node';

/** Signs exceptions with the console key agents pinned (the same key that signs policies). */
export interface ExceptionSigner {
  sign(exception: PolicyException): SignedException;
}

export function createExceptionSigner(key: SigningKeyPair): ExceptionSigner {
  return { sign: (exception) => ({ exception, keyId: key.keyId, signature: signCanonical(exception, key.privateKeyPem) }) };
}
