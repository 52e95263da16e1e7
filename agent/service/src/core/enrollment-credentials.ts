import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentConfig, EnrolledMessage } from '@dlp/shared';
import { writeFileAtomic } from './atomic-file';
import { assertKeyConsistent, configuredKeyMatches, CredentialsError, type AgentCredentials } from './credentials';

/**
 * What an `enrolled` answer becomes on disk, checked the same way by the running agent's link and by
 * the one-shot `dlp-agent enroll` of the package's configure step: a key that does not match its id,
 * or another key than the configured `consoleSigningKeySha256`, is refused (CredentialsError).
 * `peerCertSha256`: the key of the certificate the answer came over (wss), pinned from now on unless
 * the configuration pins one.
 */
export function credentialsFromEnrollment(config: Pick<AgentConfig, 'consoleSigningKeySha256' | 'consoleCertSha256'>, message: EnrolledMessage, peerCertSha256: string | null): AgentCredentials {
  assertKeyConsistent(message.consoleKey);
  if (!configuredKeyMatches(config, message.consoleKey.publicKey)) {
    throw new CredentialsError(`the console offered signing key ${message.consoleKey.keyId}, not the one configured in consoleSigningKeySha256: not enrolling`);
  }
  const credentials: AgentCredentials = {
    agentId: message.agentId,
    token: message.token,
    consoleKey: message.consoleKey,
    enrolledAt: new Date().toISOString(),
    ...(message.unlockKey ? { unlockKey: message.unlockKey } : {}),
  };
  const certPin = config.consoleCertSha256 ?? peerCertSha256;
  if (certPin !== null) credentials.consoleCertSha256 = certPin;
  return credentials;
}

const REQUEST_KEY_FILE = 'enroll-request-key';
const REQUEST_KEY_SHAPE = /^[A-Za-z0-9_-]{32}$/;

/**
 * The key that names this workstation's enrollment request while a secret that needs an admin's
 * approval keeps it waiting. Kept in the data dir so that the package's one-shot enrollment and the
 * service after it (and the service after a restart) ask as one request: the admin approves it once.
 */
export async function enrollRequestKey(dataDir: string): Promise<string> {
  const file = path.join(dataDir, REQUEST_KEY_FILE);
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (REQUEST_KEY_SHAPE.test(kept)) return kept;
  } catch (err) {
    if (!(typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT')) throw err;
  }
  const key = randomBytes(24).toString('base64url');
  await writeFileAtomic(file, `${key}\n`, 0o600);
  return key;
}
