import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { agentId, agentToken, describeIssues, sha256Hex, timestamp, unlockKeyBase64 } from '@dlp/shared';
import type { AgentConfig } from '@dlp/shared';
import { keyIdOf, keySha256Of } from '@dlp/shared/node';
import { writeFileAtomic } from './atomic-file';

/** What enrollment leaves on disk: who we are, how we prove it, and the console key we pin. */
export const agentCredentials = z.strictObject({
  agentId,
  token: agentToken,
  consoleKey: z.strictObject({ keyId: z.string().regex(/^[0-9a-f]{16}$/), publicKey: z.string().min(40).max(200) }),
  enrolledAt: timestamp,
  /** Checks offline unlock codes (base64, 32 bytes); absent when the console sent none. A secret. */
  unlockKey: unlockKeyBase64.optional(),
  /** SHA-256 of the console TLS certificate's key (SPKI), pinned at enrollment over wss. */
  consoleCertSha256: sha256Hex.optional(),
});
export type AgentCredentials = z.infer<typeof agentCredentials>;

/** The credentials file exists but cannot be trusted (hand-edited, truncated, key mismatch). */
export class CredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsError';
  }
}

export function credentialsPath(dataDir: string): string {
  return path.join(dataDir, 'credentials.json');
}

/** Null when the agent has not enrolled yet. */
export async function loadCredentials(dataDir: string): Promise<AgentCredentials | null> {
  const file = credentialsPath(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT') return null;
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CredentialsError(`${file} is not valid JSON`);
  }
  const parsed = agentCredentials.safeParse(value);
  if (!parsed.success) throw new CredentialsError(`${file} is invalid: ${describeIssues(parsed.error)}`);
  assertKeyConsistent(parsed.data.consoleKey);
  return parsed.data;
}

/** The pinned key id must be the fingerprint of the pinned key, or every signature check is moot. */
export function assertKeyConsistent(key: AgentCredentials['consoleKey']): void {
  let actual: string;
  try {
    actual = keyIdOf(key.publicKey);
  } catch {
    throw new CredentialsError('the console public key is not valid base64');
  }
  if (actual !== key.keyId) throw new CredentialsError(`console key id ${key.keyId} does not match its public key (${actual})`);
}

/** Writes credentials.json readable by root only, atomically. */
export async function saveCredentials(dataDir: string, credentials: AgentCredentials): Promise<void> {
  await writeFileAtomic(credentialsPath(dataDir), `${JSON.stringify(credentials, null, 2)}\n`, 0o600);
}

/** The unlock key as bytes, or null when this agent has none. */
export function unlockKeyOf(credentials: AgentCredentials | null): Uint8Array | null {
  return credentials?.unlockKey ? Buffer.from(credentials.unlockKey, 'base64') : null;
}

/** SHA-256 hex over the key's SPKI DER: what `consoleSigningKeySha256` holds (its first 16 digits are the key id). */
export function signingKeySha256(publicKeySpkiBase64: string): string {
  return keySha256Of(publicKeySpkiBase64);
}

/** True unless the configuration pins a console signing key and `publicKey` is another one. */
export function configuredKeyMatches(config: Pick<AgentConfig, 'consoleSigningKeySha256'>, publicKey: string): boolean {
  return config.consoleSigningKeySha256 === undefined || signingKeySha256(publicKey) === config.consoleSigningKeySha256;
}

/** How the console's signing key and TLS certificate came to be trusted (capability report). */
export function trustOrigins(
  config: Pick<AgentConfig, 'consoleSigningKeySha256' | 'consoleCertSha256' | 'consoleUrl'>,
  credentials: AgentCredentials | null,
): { consoleKey: 'config' | 'first-use' | 'none'; consoleCert: 'config' | 'first-use' | 'none' } {
  const keyMatches = credentials !== null && configuredKeyMatches(config, credentials.consoleKey.publicKey);
  const consoleKey = credentials === null ? (config.consoleSigningKeySha256 ? 'config' : 'none') : config.consoleSigningKeySha256 && keyMatches ? 'config' : 'first-use';
  const consoleCert = config.consoleCertSha256 ? 'config' : credentials?.consoleCertSha256 ? 'first-use' : 'none';
  return { consoleKey, consoleCert };
}
