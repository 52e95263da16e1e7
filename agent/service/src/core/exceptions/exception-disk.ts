import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { deviceIdentity, timestamp } from '@dlp/shared';
import { writeFileAtomic } from '../atomic-file';

/**
 * The on-disk side of the exception store, `<dataDir>/exceptions/`:
 * - `<exception id>.json`: a signed exception exactly as the console sent it (re-verified at boot);
 * - `unlock-<nonce>.json`: a redeemed unlock code (re-verified at boot under the unlock key); its
 *   presence is also what makes the code single use until it expires;
 * - `revoked.json`: ids the console withdrew, kept until they would have expired.
 * Files are root-only (0600) and written atomically.
 */

/** A redeemed unlock code, as stored. */
export const storedUnlockGrant = z.strictObject({
  code: z.string().max(64),
  nonce: z.string().regex(/^[0-9a-f]{8}$/),
  device: deviceIdentity,
  expiresAt: timestamp,
  redeemedAt: timestamp,
});
export type StoredUnlockGrant = z.infer<typeof storedUnlockGrant>;

const revokedList = z.array(z.strictObject({ id: z.string().max(64), until: timestamp })).max(10_000);
export type RevokedEntry = z.infer<typeof revokedList>[number];

export interface RawEntry {
  file: string;
  /** Parsed JSON, or an Error when the file is not JSON at all. */
  value: unknown;
}

export class ExceptionDisk {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'exceptions');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Every stored exception and unlock grant file, parsed as JSON but not yet validated. */
  async readAll(): Promise<{ exceptions: RawEntry[]; unlockGrants: RawEntry[] }> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.') && n !== 'revoked.json');
    const entries = await Promise.all(names.map(async (name) => ({ file: name, value: await readJson(path.join(this.dir, name)) })));
    return {
      exceptions: entries.filter((e) => !e.file.startsWith('unlock-')),
      unlockGrants: entries.filter((e) => e.file.startsWith('unlock-')),
    };
  }

  exceptionFile(id: string): string {
    return `${safe(id)}.json`;
  }

  unlockFile(nonce: string): string {
    return `unlock-${safe(nonce)}.json`;
  }

  async write(file: string, value: unknown): Promise<void> {
    await writeFileAtomic(path.join(this.dir, file), `${JSON.stringify(value, null, 2)}\n`, 0o600);
  }

  async remove(file: string): Promise<void> {
    await rm(path.join(this.dir, file), { force: true });
  }

  /** Keeps a refused file for forensics under a name the loader skips, instead of deleting evidence. */
  async quarantine(file: string): Promise<void> {
    await rename(path.join(this.dir, file), path.join(this.dir, `${file}.refused`)).catch(() => undefined);
  }

  async readRevoked(): Promise<RevokedEntry[]> {
    const value = await readJson(path.join(this.dir, 'revoked.json'));
    const parsed = revokedList.safeParse(value);
    return parsed.success ? parsed.data : [];
  }

  async writeRevoked(entries: RevokedEntry[]): Promise<void> {
    await this.write('revoked.json', entries);
  }
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return new Error('not valid JSON');
  }
}

/** Ids are UUIDs and nonces hex, but a file name must never be steered out of the directory. */
function safe(name: string): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(name)) throw new Error(`not a safe exception file name: ${JSON.stringify(name)}`);
  return name;
}
