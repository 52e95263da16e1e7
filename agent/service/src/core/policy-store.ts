import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { keyIdOf, type SqliteDatabase } from '@dlp/shared/node';
import { writeFileAtomic } from './atomic-file';
import type { Logger } from './logger';
import { verifyPolicy, type VerifiedPolicy } from './policy-verifier';

export type { VerifiedPolicy } from './policy-verifier';

export type AcceptResult =
  | { status: 'applied'; policy: VerifiedPolicy; changed: boolean }
  | { status: 'rejected'; reason: string; tampering: boolean; serial?: number; hash?: string };

/** A policy file refused at boot, reported as a tamper event. */
export interface RefusedPolicyFile {
  file: string;
  serial?: number;
  reason: string;
}

export interface PolicyStoreOptions {
  dataDir: string;
  db: SqliteDatabase;
  log: Logger;
  /** The console key pinned at enrollment; null before enrollment (then nothing verifies). */
  pinnedPublicKey: string | null;
  /** How many good policies to keep on disk. */
  keep?: number;
  /** The group of the newest signed group assignment (null: none yet, an older console). */
  assignedGroup?: () => string | null;
}

interface HighWater {
  serial: number;
  hash: string;
}

const POLICY_FILE = /^(\d+)\.json$/;

/**
 * The newest stored policy that verifies under `pinnedPublicKey`, read without changing anything on
 * disk (no file moved aside, no high-water mark written): for commands that run beside the agent,
 * such as the uninstall check. Null when none verifies.
 */
export async function newestStoredPolicy(dataDir: string, pinnedPublicKey: string): Promise<VerifiedPolicy | null> {
  const dir = path.join(dataDir, 'policies');
  const names = await readdir(dir).catch(() => [] as string[]);
  const files = names
    .map((name) => ({ name, serial: Number(POLICY_FILE.exec(name)?.[1] ?? NaN) }))
    .filter((file) => Number.isSafeInteger(file.serial))
    .sort((a, b) => b.serial - a.serial);
  for (const { name, serial } of files) {
    const raw = await readFile(path.join(dir, name), 'utf8').then((text) => JSON.parse(text) as unknown, () => null);
    const verdict = raw === null ? null : verifyPolicy(raw, pinnedPublicKey);
    if (verdict?.ok && verdict.policy.serial === serial) return verdict.policy;
  }
  return null;
}

/**
 * The last good signed policies, on disk and in force (handbook principle 4). Refuses unsigned,
 * tampered, other-key, older-serial (rollback) and same-serial-other-content bundles. The highest
 * serial ever accepted lives in SQLite, so a rollback is refused even after a restart.
 */
export class PolicyStore {
  private currentPolicy: VerifiedPolicy | null = null;
  private highWater: HighWater | null = null;
  private pinnedPublicKey: string | null;
  private readonly dir: string;

  constructor(private readonly options: PolicyStoreOptions) {
    this.pinnedPublicKey = options.pinnedPublicKey;
    this.dir = path.join(options.dataDir, 'policies');
  }

  /** The policy in force, or null (monitor mode, no rules). */
  current(): VerifiedPolicy | null {
    return this.currentPolicy;
  }

  /** The highest serial ever accepted (0 when none). */
  highestSerial(): number {
    return this.highWater?.serial ?? 0;
  }

  /** Pins the console key learned at enrollment. */
  pin(publicKey: string): void {
    this.pinnedPublicKey = publicKey;
  }

  /**
   * Loads the newest policy on disk that verifies, without any network. Files that fail are moved
   * aside (kept as evidence) and returned so the caller can queue tamper events.
   */
  async loadAtBoot(): Promise<{ policy: VerifiedPolicy | null; refused: RefusedPolicyFile[] }> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    this.highWater = await this.readHighWater();
    // Without a pinned key nothing can verify; leave the files alone rather than call them tampered.
    if (this.pinnedPublicKey === null) return { policy: null, refused: [] };
    const refused: RefusedPolicyFile[] = [];
    for (const { name, serial } of await this.listPolicyFiles()) {
      const file = path.join(this.dir, name);
      const reason = await this.tryLoad(file, serial);
      if (reason === null) break;
      refused.push({ file, serial, reason });
      this.options.log.error('refusing a stored policy file', { file, reason });
      await this.moveAside(file);
    }
    if (this.currentPolicy) {
      this.options.log.info('loaded policy from disk', { serial: this.currentPolicy.serial, hash: this.currentPolicy.hash });
      if (this.currentPolicy.serial < this.highestSerial()) {
        this.options.log.warn('newest accepted policy is missing on disk; enforcing an older one until the console resends it', {
          enforcing: this.currentPolicy.serial,
          highestAccepted: this.highestSerial(),
        });
      }
    }
    return { policy: this.currentPolicy, refused };
  }

  /** Returns null when the file was loaded, or the reason it was refused. */
  private async tryLoad(file: string, serialFromName: number): Promise<string | null> {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      return `unreadable policy file: ${err instanceof Error ? err.message : String(err)}`;
    }
    const verdict = verifyPolicy(value, this.pinnedPublicKey);
    if (!verdict.ok) return verdict.reason;
    const { policy } = verdict;
    if (policy.serial !== serialFromName) return `file name says serial ${serialFromName} but the bundle has ${policy.serial}`;
    // Not checked against the group here: after a signed move the old group's policy stays in force
    // until the new group's arrives (files were verified when pushed; unbound ones predate binding).
    const keyMismatch = targetKeyMismatch(policy, this.pinnedPublicKey);
    if (keyMismatch) return keyMismatch;
    if (this.highWater && policy.serial === this.highWater.serial && policy.hash !== this.highWater.hash) {
      return `serial ${policy.serial} was accepted with other content`;
    }
    this.currentPolicy = policy;
    if (!this.highWater || policy.serial > this.highWater.serial) await this.writeHighWater(policy);
    return null;
  }

  /** Verifies and, if good, stores and makes current a policy pushed by the console. */
  async accept(raw: unknown): Promise<AcceptResult> {
    const verdict = verifyPolicy(raw, this.pinnedPublicKey);
    if (!verdict.ok) return { status: 'rejected', reason: verdict.reason, tampering: verdict.tampering, serial: verdict.serial, hash: verdict.hash };
    const { policy } = verdict;
    const high = this.highWater;
    if (high && policy.serial < high.serial) {
      return { status: 'rejected', reason: `rollback refused: serial ${policy.serial} is older than ${high.serial}`, tampering: false, serial: policy.serial, hash: policy.hash };
    }
    const binding = this.bindingProblem(policy);
    if (binding) return { status: 'rejected', reason: binding.reason, tampering: binding.tampering, serial: policy.serial, hash: policy.hash };
    // After a signed move the new group's bundle may carry the serial we hold for the old group.
    const sameSerialNewGroup = this.currentPolicy?.serial === policy.serial && groupOf(this.currentPolicy) !== groupOf(policy);
    if (high && policy.serial === high.serial && policy.hash !== high.hash && !sameSerialNewGroup) {
      return { status: 'rejected', reason: `serial ${policy.serial} was already accepted with other content`, tampering: false, serial: policy.serial, hash: policy.hash };
    }
    const changed = this.currentPolicy?.hash !== policy.hash;
    const file = path.join(this.dir, `${policy.serial}.json`);
    // Written before the high-water mark: after a crash in between, boot still finds and loads it.
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, JSON.stringify({ bundle: policy.rawBundle, keyId: policy.signed.keyId, signature: policy.signed.signature }), 0o600);
    await this.writeHighWater(policy);
    this.currentPolicy = policy;
    await this.prune();
    return { status: 'applied', policy, changed };
  }

  /**
   * Why a pushed bundle is not for this agent (null when it is): bound to another group or key, or
   * unbound although the console already told us our group (a stored version replayed).
   */
  private bindingProblem(policy: VerifiedPolicy): { reason: string; tampering: boolean } | null {
    const keyMismatch = targetKeyMismatch(policy, this.pinnedPublicKey);
    if (keyMismatch) return { reason: keyMismatch, tampering: true };
    const assigned = this.options.assignedGroup?.() ?? null;
    const target = policy.signed.bundle.target;
    if (!target) return assigned === null ? null : { reason: `policy is not bound to a group, but this agent is in group ${assigned} (replayed or downgraded bundle)`, tampering: true };
    // The console sends the assignment first; without one this is out of order, not proof of an attack.
    if (assigned === null) return { reason: `policy is for group ${target.groupId}, but no signed group assignment was received yet`, tampering: false };
    if (target.groupId !== assigned) return { reason: `policy is for group ${target.groupId}, but this agent is in group ${assigned}`, tampering: true };
    return null;
  }

  /** Newest first, by the serial in the file name. */
  private async listPolicyFiles(): Promise<Array<{ name: string; serial: number }>> {
    const names = await readdir(this.dir);
    return names
      .map((name) => ({ name, match: POLICY_FILE.exec(name) }))
      .filter((e): e is { name: string; match: RegExpExecArray } => e.match !== null)
      .map((e) => ({ name: e.name, serial: Number(e.match[1]) }))
      .sort((a, b) => b.serial - a.serial);
  }

  private async prune(): Promise<void> {
    const keep = this.options.keep ?? 3;
    for (const { name } of (await this.listPolicyFiles()).slice(keep)) {
      await rm(path.join(this.dir, name), { force: true });
    }
  }

  private async moveAside(file: string): Promise<void> {
    const refusedDir = path.join(this.dir, 'refused');
    await mkdir(refusedDir, { recursive: true, mode: 0o700 });
    const target = path.join(refusedDir, `${path.basename(file)}.${new Date().toISOString().replace(/[:.]/g, '-')}`);
    await rename(file, target).catch(() => rm(file, { force: true }));
  }

  private async readHighWater(): Promise<HighWater | null> {
    const row = await this.options.db.get<{ highest_serial: number; highest_hash: string }>('SELECT highest_serial, highest_hash FROM policy_state WHERE id = 1');
    return row ? { serial: row.highest_serial, hash: row.highest_hash } : null;
  }

  private async writeHighWater(policy: VerifiedPolicy): Promise<void> {
    await this.options.db.run(
      `INSERT INTO policy_state (id, highest_serial, highest_hash, accepted_at) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET highest_serial = excluded.highest_serial, highest_hash = excluded.highest_hash, accepted_at = excluded.accepted_at`,
      [policy.serial, policy.hash, new Date().toISOString()],
    );
    this.highWater = { serial: policy.serial, hash: policy.hash };
  }
}

function groupOf(policy: VerifiedPolicy | null): string | null {
  return policy?.signed.bundle.target?.groupId ?? null;
}

/** A bound bundle must name the key that signed it (the pinned one); null when it does or is unbound. */
function targetKeyMismatch(policy: VerifiedPolicy, pinnedPublicKey: string | null): string | null {
  const target = policy.signed.bundle.target;
  if (!target || pinnedPublicKey === null) return null;
  const pinned = keyIdOf(pinnedPublicKey);
  return target.keyId === pinned ? null : `policy names signing key ${target.keyId}, but the pinned key is ${pinned}`;
}
