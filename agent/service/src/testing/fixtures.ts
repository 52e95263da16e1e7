/** Helpers shared by the agent service's tests (never imported by production code). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { policyDocument, uuidv7, type PolicyBundle, type PolicyDocumentInput, type SignedPolicy } from '@dlp/shared';
import { signPolicyBundle, type SigningKeyPair } from '@dlp/shared/node';

/** A fresh temp folder per test, removed by `cleanup`. */
export async function makeTempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `dlp-agent-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const POLICY_ID = uuidv7();

/** A bundle with the given serial; `document` defaults to an empty monitor policy. */
export function makeBundle(serial: number, document: Partial<PolicyDocumentInput> = {}): PolicyBundle {
  return {
    policyId: POLICY_ID,
    version: serial,
    serial,
    issuedAt: new Date(Date.UTC(2026, 10, 28, 12, 0, serial)).toISOString(),
    document: policyDocument.parse({ schema: 'dlp.policy/v1', name: 'Test policy', mode: 'monitor', ...document }),
  };
}

export function signedPolicyFor(key: SigningKeyPair, serial: number, document: Partial<PolicyDocumentInput> = {}): SignedPolicy {
  return signPolicyBundle(makeBundle(serial, document), key);
}

/** Polls `check` until it returns a truthy value, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000, everyMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
