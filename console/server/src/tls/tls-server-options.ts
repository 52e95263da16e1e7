import type { SecureContextOptions, TlsOptions } from 'node:tls';

/**
 * TLS 1.2 suites the console offers: forward-secret (ECDHE) and authenticated encryption (GCM,
 * ChaCha20-Poly1305) only, so no CBC (Lucky13-style padding oracles) and no static RSA key exchange.
 * ECDSA first because the self-signed certificate is P-256; RSA ones serve operator certificates.
 */
export const TLS12_AEAD_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-CHACHA20-POLY1305',
] as const;

/** TLS 1.3 suites as Node enables them by default (all AEAD), listed so setting `ciphers` keeps them. */
export const TLS13_CIPHERS = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'] as const;

/** Options for `https.createServer`: the certificate, TLS 1.2 or newer, AEAD-only suites in our order. */
export function tlsServerOptions(tls: { cert: SecureContextOptions['cert']; key: SecureContextOptions['key'] }): TlsOptions {
  return {
    cert: tls.cert,
    key: tls.key,
    minVersion: 'TLSv1.2',
    ciphers: [...TLS13_CIPHERS, ...TLS12_AEAD_CIPHERS].join(':'),
    honorCipherOrder: true,
  };
}
