import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSigningKeyPair, keyIdOf, publicKeyFromPrivatePem, type SigningKeyPair } from '@dlp/shared/node';
import type { Logger } from '../logging/logger';

/** Where the console's private key lives inside its data dir. */
export function signingKeyPath(dataDir: string): string {
  return path.join(dataDir, 'keys', 'signing.pem');
}

/**
 * Loads the console's Ed25519 signing key, creating it on first start. Agents pin the public key
 * at enrollment, so losing or replacing this file orphans every enrolled agent: it is created once
 * (exclusive create) and only ever read afterwards.
 */
export function loadOrCreateSigningKey(dataDir: string, logger: Logger): SigningKeyPair {
  const file = signingKeyPath(dataDir);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let privateKeyPem: string;
  try {
    privateKeyPem = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const created = generateSigningKeyPair();
    writeFileSync(file, created.privateKeyPem, { mode: 0o600, flag: 'wx' });
    logger.info('created console signing key', { keyId: created.keyId, file });
    return created;
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    // A readable private key lets anyone sign policies; tighten it rather than refuse to start.
    chmodSync(file, 0o600);
    logger.warn('signing key was readable by others; mode set to 0600', { file, previousMode: mode.toString(8) });
  }
  const publicKey = publicKeyFromPrivatePem(privateKeyPem);
  return { privateKeyPem, publicKey, keyId: keyIdOf(publicKey) };
}
