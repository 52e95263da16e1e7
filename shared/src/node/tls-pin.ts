import { createHash, X509Certificate } from 'node:crypto';

/**
 * The TLS pin agents keep: SHA-256 (hex) of the certificate's public key (SPKI DER). Pinning the
 * key rather than the certificate lets the console renew its certificate with the same key.
 */
export function certificateSpkiSha256(certificate: X509Certificate | string | Buffer): string {
  const cert = certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate);
  return createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}
