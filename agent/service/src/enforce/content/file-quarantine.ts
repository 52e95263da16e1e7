/**
 * The quarantine folder (`<dataDir>/quarantine`, 0700, the service's own user): a file with bulk
 * customer data is moved there, out of the user's reach, under a unique name with a JSON sidecar
 * saying where it came from. The sidecar holds counts per detector, never a value from the file.
 */
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, chown, lstat, mkdir, open, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** Which file was scanned: the move refuses a path that names another file by then. */
export interface FileIdentity {
  dev: number;
  ino: number;
}

/** What the sidecar records beside the quarantined file. */
export interface QuarantineSidecar {
  originalPath: string;
  quarantinedAt: string;
  size: number;
  sha256?: string;
  ownerUid: number;
  /** Detector → distinct values found. */
  matches: Record<string, number>;
  policySerial: number;
  /** Other hard links to the same content elsewhere: their owner loses access too (the inode is root's, 0600 now). */
  otherLinks: number;
}

export type QuarantineOutcome = { ok: true; name: string } | { ok: false; error: string };

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const sameFile = (a: FileIdentity, b: FileIdentity): boolean => a.dev === b.dev && a.ino === b.ino;

/**
 * Copies every byte, 1 MiB at a time. (A stream pipeline into a write stream with autoClose off
 * never settles: it waits for a 'close' that only closing the handle gives, so the move hung.)
 */
async function copyContent(source: FileHandle, target: FileHandle): Promise<void> {
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  for (let position = 0; ; ) {
    const { bytesRead } = await source.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return;
    for (let written = 0; written < bytesRead; ) written += (await target.write(buffer, written, bytesRead - written, position + written)).bytesWritten;
    position += bytesRead;
  }
}

/** `20260305T120000Z-1a2b3c4d-客户名单.csv`: sortable by time, unique, still recognisable. */
function quarantineName(originalPath: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
  const base = path.basename(originalPath).replace(/^\.+/, '').slice(0, 120) || 'file';
  return `${stamp}-${randomUUID().slice(0, 8)}-${base}`;
}

export class FileQuarantine {
  constructor(readonly dir: string) {}

  /** Creates the folder, or puts its mode back to 0700 (a folder an admin loosened by hand). */
  async prepare(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const stats = await lstat(this.dir);
    if (!stats.isDirectory()) throw new Error(`${this.dir} is not a directory`);
    await chmod(this.dir, 0o700);
  }

  /** Moves `file` (which must still be the scanned file) into quarantine and writes its sidecar. */
  async move(file: string, scanned: FileIdentity, sidecar: Omit<QuarantineSidecar, 'quarantinedAt' | 'otherLinks'>, now = new Date()): Promise<QuarantineOutcome> {
    try {
      await this.prepare();
      const before = await lstat(file);
      if (!before.isFile() || !sameFile(before, scanned)) return { ok: false, error: 'the file was replaced after it was scanned' };
      const name = quarantineName(file, now);
      const target = path.join(this.dir, name);
      await this.moveFile(file, target, scanned);
      // Root's, 0600: through any other hard link too, the user can no longer read it.
      await chown(target, 0, 0).catch(() => undefined);
      await chmod(target, 0o600);
      const record: QuarantineSidecar = { ...sidecar, quarantinedAt: now.toISOString(), otherLinks: Math.max(0, before.nlink - 1) };
      await writeFile(`${target}.json`, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      return { ok: true, name };
    } catch (err) {
      return { ok: false, error: errorText(err) };
    }
  }

  private async moveFile(file: string, target: string, scanned: FileIdentity): Promise<void> {
    try {
      await rename(file, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await this.copyThenUnlink(file, target, scanned);
      return;
    }
    const moved = await lstat(target);
    if (!sameFile(moved, scanned)) {
      // A folder on the path was swapped between the check and the rename: put back what came.
      await rename(target, file).catch(() => undefined);
      throw new Error('the file was replaced while it was being moved');
    }
  }

  /** Another filesystem: copy exactly the scanned file (no symlink followed), then remove the original. */
  private async copyThenUnlink(file: string, target: string, scanned: FileIdentity): Promise<void> {
    const source = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      if (!sameFile(await source.stat(), scanned)) throw new Error('the file was replaced after it was scanned');
      const copy = await open(target, 'wx', 0o600);
      try {
        await copyContent(source, copy);
        await copy.sync();
      } catch (err) {
        await unlink(target).catch(() => undefined); // no half copy left behind (disk full)
        throw err;
      } finally {
        await copy.close();
      }
    } finally {
      await source.close();
    }
    try {
      if (!sameFile(await lstat(file), scanned)) throw new Error('the file was replaced while it was being copied');
      await unlink(file);
    } catch (err) {
      await unlink(target).catch(() => undefined);
      throw new Error(`copied into quarantine but the original could not be removed: ${errorText(err)}`);
    }
  }
}
