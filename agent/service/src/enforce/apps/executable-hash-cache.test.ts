import type { FileIdentity, ProcessTable } from './app-platform';
import { ExecutableHashCache, HASH_SETTLE_NS } from './executable-hash-cache';

/** One running program whose file the test rewrites: each hash reads the content it has now. */
function oneProgram(identity: FileIdentity) {
  const state = { identity, content: 'first', hashes: 0 };
  const table = {
    executableIdentity: async () => state.identity,
    fileIdentity: async () => state.identity,
    hashExecutable: async () => {
      state.hashes++;
      return `sha256-of-${state.content}`;
    },
    hashFile: async () => {
      state.hashes++;
      return `sha256-of-${state.content}`;
    },
  } as unknown as ProcessTable;
  return { state, table };
}

const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

describe('ExecutableHashCache', () => {
  it('reuses the hash of a file that had been still for longer than any timestamp step', async () => {
    const { state, table } = oneProgram({ dev: 1, ino: 2, size: 100, ctimeNs: nowNs() - 2n * HASH_SETTLE_NS });
    const cache = new ExecutableHashCache(table);
    expect(await cache.sha256Of(10)).toBe('sha256-of-first');
    expect(await cache.sha256Of(11)).toBe('sha256-of-first');
    expect(state.hashes).toBe(1);
  });

  it('hashes again a file changed just before its hash: a rewrite in the same step keeps size and ctime', async () => {
    const { state, table } = oneProgram({ dev: 1, ino: 2, size: 100, ctimeNs: nowNs() });
    const cache = new ExecutableHashCache(table);
    expect(await cache.sha256Of(10)).toBe('sha256-of-first');
    state.content = 'blocked'; // same identity: rewritten in place within one timestamp step
    expect(await cache.sha256Of(11)).toBe('sha256-of-blocked');
    expect(await cache.sha256OfFile('/x', state.identity)).toBe('sha256-of-blocked');
    expect(state.hashes).toBe(3);
  });

  it('keys by ctime: a changed status-change time is another file version, whatever the mtime says', async () => {
    const old = nowNs() - 10n * HASH_SETTLE_NS;
    const { state, table } = oneProgram({ dev: 1, ino: 2, size: 100, ctimeNs: old });
    const cache = new ExecutableHashCache(table);
    expect(await cache.sha256Of(10)).toBe('sha256-of-first');
    state.content = 'blocked';
    state.identity = { ...state.identity, ctimeNs: old + 1n };
    expect(await cache.sha256Of(11)).toBe('sha256-of-blocked');
  });
});
