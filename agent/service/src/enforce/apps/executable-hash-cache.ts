import type { FileIdentity, ProcessTable } from './app-platform';

function keyOf(id: FileIdentity): string {
  return `${id.dev}:${id.ino}:${id.size}:${id.ctimeNs}`;
}

/**
 * How much older than its hash a file's last change must be before the hash is reused. A rewrite
 * in place inside one timestamp step keeps ctime and size (one scheduler tick on ext2/ext3, and on
 * ext4/tmpfs before Linux 6.13; 1 s with 128-byte inodes; 2 s on FAT), so such a hash may not stand
 * for the file any more. The native helper uses the same rule (native/decision-cache.h).
 */
export const HASH_SETTLE_NS = 3_000_000_000n;

interface CachedHash {
  digest: Promise<string | null>;
  /** Wall clock when the read began, ns. */
  hashStartedNs: bigint;
}

const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

/**
 * SHA-256 of running executables, cached by file identity (dev, inode, size, ctime): a binary is
 * hashed once however many processes run it, and again only if it is rewritten. Hashing runs at
 * most `concurrency` at a time so a burst of new processes does not saturate the disk.
 */
export class ExecutableHashCache {
  private readonly cache = new Map<string, CachedHash>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly processes: ProcessTable,
    private readonly maxEntries = 4096,
    private readonly concurrency = 2,
  ) {}

  async sha256Of(pid: number): Promise<string | null> {
    const identity = await this.processes.executableIdentity(pid);
    if (!identity) return null;
    const key = keyOf(identity);
    const cached = this.settled(key, identity);
    if (cached) {
      // Refresh recency: Map iteration order is insertion order, so re-inserting keeps LRU order.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached.digest;
    }
    const hashStartedNs = nowNs();
    const pending = this.hashLimited(() => this.processes.hashExecutable(pid)).then(async (digest) => {
      // The process may have exec'd another image while we read: keep only a consistent answer.
      const after = await this.processes.executableIdentity(pid);
      if (digest === null || !after || keyOf(after) !== key) {
        this.cache.delete(key);
        return after && keyOf(after) === key ? digest : null;
      }
      return digest;
    });
    this.remember(key, { digest: pending, hashStartedNs });
    return pending;
  }

  /**
   * SHA-256 of the file at `path`, if it is still the file with identity `expected` (checked after
   * hashing): evidence for a process that was already killed and whose image is gone from /proc.
   */
  async sha256OfFile(path: string, expected: FileIdentity): Promise<string | null> {
    const key = keyOf(expected);
    const cached = this.settled(key, expected);
    if (cached) return cached.digest;
    const hashStartedNs = nowNs();
    const digest = await this.hashLimited(() => this.processes.hashFile(path));
    const after = await this.processes.fileIdentity(path);
    if (digest === null || !after || keyOf(after) !== key) return null;
    this.remember(key, { digest: Promise.resolve(digest), hashStartedNs });
    return digest;
  }

  /** The cached hash for `key`, unless the file changed too shortly before it was read. */
  private settled(key: string, identity: FileIdentity): CachedHash | null {
    const cached = this.cache.get(key);
    if (!cached) return null;
    if (identity.ctimeNs < cached.hashStartedNs - HASH_SETTLE_NS) return cached;
    this.cache.delete(key);
    return null;
  }

  private remember(key: string, value: CachedHash): void {
    this.cache.set(key, value);
    if (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
  }

  private async hashLimited(hash: () => Promise<string | null>): Promise<string | null> {
    // A finishing hash hands its slot straight to the next waiter, so the limit is never exceeded.
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await hash();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
