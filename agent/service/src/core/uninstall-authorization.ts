import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { verifyUninstallCode, type UnlockRefusal } from '@dlp/shared/node';
import { writeFileAtomic } from './atomic-file';
import { loadCredentials, unlockKeyOf } from './credentials';
import { STOP_REASON_FILE } from './lifecycle-events';
import { newestStoredPolicy } from './policy-store';

/**
 * Whether the agent may be removed now (issue 14: uninstall in enforce mode needs an uninstall code
 * issued by the console). Asked by the package's removal script through `dlp-agent
 * authorize-uninstall`, as root, with the service running or not: it reads the agent's own files.
 *
 * - Not enrolled: nothing is enforced yet, removal is free.
 * - Enrolled, and the newest stored policy that verifies is in monitor mode: free as well.
 * - Anything else (enforce, no verifiable policy, unreadable credentials) needs a code: removing an
 *   agent is refused unless someone proves the console allowed it.
 * A code works once (its nonce is kept in the data folder). On success the stop reason names the
 * code, so the agent's stop event at the console says the removal was authorised and by which code.
 */
export type UninstallDecision =
  | { allowed: true; why: 'not-enrolled' | 'monitor-mode' | 'code'; nonce?: string }
  | { allowed: false; why: 'code-required' | 'no-unlock-key' | UnlockRefusal; message: string };

export const USED_UNINSTALL_CODES_FILE = 'uninstall-codes-used.json';

export interface UninstallRequest {
  dataDir: string;
  /** What the admin typed or the response file gave; null when none. */
  code: string | null;
  now?: number;
}

async function usedNonces(dataDir: string): Promise<string[]> {
  const text = await readFile(path.join(dataDir, USED_UNINSTALL_CODES_FILE), 'utf8').catch(() => '[]');
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && /^[0-9a-f]{8}$/.test(item)) : [];
  } catch {
    return [];
  }
}

/** Decides, and on a good code records it (used once) and the stop reason for the agent's stop event. */
export async function authorizeUninstall(request: UninstallRequest): Promise<UninstallDecision> {
  const { dataDir } = request;
  let credentials;
  try {
    credentials = await loadCredentials(dataDir);
  } catch {
    credentials = undefined; // present but not trustworthy: treated as enrolled, a code is needed
  }
  if (credentials === null) return { allowed: true, why: 'not-enrolled' };
  if (credentials) {
    const policy = await newestStoredPolicy(dataDir, credentials.consoleKey.publicKey);
    if (policy?.signed.bundle.document.mode === 'monitor') return { allowed: true, why: 'monitor-mode' };
  }
  if (request.code === null || request.code.trim() === '') {
    return { allowed: false, why: 'code-required', message: 'this agent enforces a policy: removing it needs an uninstall code from the console (DLP_UNINSTALL_CODE)' };
  }
  const key = unlockKeyOf(credentials ?? null);
  if (!credentials || !key) {
    return { allowed: false, why: 'no-unlock-key', message: 'this agent has no key to check codes with (enrolled before unlock codes, or its credentials are unreadable): set its group to monitor mode first' };
  }
  const used = await usedNonces(dataDir);
  const verdict = verifyUninstallCode(key, credentials.agentId, request.code, request.now ?? Date.now(), { has: (nonce) => used.includes(nonce) });
  if (!verdict.ok) return { allowed: false, why: verdict.reason, message: verdict.message };
  await writeFileAtomic(path.join(dataDir, USED_UNINSTALL_CODES_FILE), `${JSON.stringify([...used, verdict.nonce].slice(-100))}\n`);
  await writeFileAtomic(path.join(dataDir, STOP_REASON_FILE), `package-removal\nuninstall-code ${verdict.nonce}\n`);
  return { allowed: true, why: 'code', nonce: verdict.nonce };
}
