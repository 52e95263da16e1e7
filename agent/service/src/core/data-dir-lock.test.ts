import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir } from '../testing/fixtures';
import { DataDirLockedError, lockDataDir, PID_FILE } from './data-dir-lock';

describe('data dir lock', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('lock'));
  });
  afterEach(async () => cleanup());

  it('refuses a second holder (in the same process too), names the first one, and is free again once released', async () => {
    const first = await lockDataDir(dir);
    expect((await readFile(path.join(dir, PID_FILE), 'utf8')).trim()).toBe(String(process.pid));
    expect((await stat(path.join(dir, 'agent.lock'))).mode & 0o777).toBe(0o600);
    const second = lockDataDir(dir);
    await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(second).rejects.toMatchObject({ dataDir: dir, holderPid: process.pid });
    await first.release();
    const again = await lockDataDir(dir);
    await again.release();
  });
});
