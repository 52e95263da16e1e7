import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import type { Logger } from '../logging/logger';
import { createSelfSignedCertificate } from './x509-builder';

/** Where `--tls self-signed` keeps its certificate and key inside the data dir. */
export function selfSignedPaths(dataDir: string): { cert: string; key: string } {
  return { cert: path.join(dataDir, 'tls', 'console-cert.pem'), key: path.join(dataDir, 'tls', 'console-key.pem') };
}

/** Ten years: agents pin the public key, so the certificate's dates matter little; rotation is a re-enroll. */
const VALIDITY_MS = 10 * 365 * 24 * 3600 * 1000;

/**
 * Loads the console's self-signed certificate, creating it on first start. Agents pin its public key
 * at enrollment, so it is created once and only read afterwards (like the signing key).
 */
export function loadOrCreateSelfSignedTls(dataDir: string, bindHost: string, logger: Logger): { cert: Buffer; key: Buffer } {
  const files = selfSignedPaths(dataDir);
  try {
    return { cert: readFileSync(files.cert), key: readFileSync(files.key) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(path.dirname(files.cert), { recursive: true, mode: 0o700 });
  const names = new Set(['localhost', '127.0.0.1', '::1', hostname()]);
  const bindIsWildcard = bindHost === '0.0.0.0' || bindHost === '::';
  if (!bindIsWildcard && (isIP(bindHost) === 0 || isIP(bindHost) === 4 || bindHost === '::1')) names.add(bindHost);
  const now = Date.now();
  const created = createSelfSignedCertificate({ commonName: hostname(), altNames: [...names], notBefore: new Date(now - 3600_000), notAfter: new Date(now + VALIDITY_MS) });
  writeFileSync(files.key, created.keyPem, { mode: 0o600, flag: 'wx' });
  writeFileSync(files.cert, created.certPem, { mode: 0o644, flag: 'wx' });
  logger.info('created a self-signed TLS certificate', { file: files.cert, names: [...names] });
  return { cert: Buffer.from(created.certPem), key: Buffer.from(created.keyPem) };
}
