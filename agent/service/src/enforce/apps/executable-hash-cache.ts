import type { FileIdentity, ProcessTable } from './app-platform';

function keyOf(id: FileIdentity): string {
  return `${id.dev}:${id.ino}:${id.size}:${id.mtimeMs}`;
}

/**
 * SHA-256 of running executables, cached by file identity (dev, inode, size, mtime): a binary is
 * hashed once however many processes run it, and again only if it is rewritten. Hashing runs at
 * most `concurrency` at a time so a burst of new processes does not saturate the disk.
 */
export class ExecutableHashCache {
  private readonly cache = new Map<string, Promise<string | null>>();
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
    const cached = this.cache.get(key);
    if (cached) {
      // Refresh recency: Map iteration order is insertion order, so re-inserting keeps LRU order.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const pending = this.hashLimited(() => this.processes.hashExecutable(pid)).then(async (digest) => {
      // The process may have exec'd another image while we read: keep only a consistent answer.
      const after = await this.processes.executableIdentity(pid);
      if (digest === null || !after || keyOf(after) !== key) {
        this.cache.delete(key);
        return after && keyOf(after) === key ? digest : null;
      }
      return digest;
    });
    this.remember(key, pending);
    return pending;
  }

  /**
   * SHA-256 of the file at `path`, if it is still the file with identity `expected` (checked after
   * hashing): evidence for a process that was already killed and whose image is gone from /proc.
   */
  async sha256OfFile(path: string, expected: FileIdentity): Promise<string | null> {
    const key = keyOf(expected);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const digest = await this.hashLimited(() => this.processes.hashFile(path));
    const after = await this.processes.fileIdentity(path);
    if (digest === null || !after || keyOf(after) !== key) return null;
    this.remember(key, Promise.resolve(digest));
    return digest;
  }

  private remember(key: string, value: Promise<string | null>): void {
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
