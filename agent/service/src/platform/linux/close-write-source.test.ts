import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { FanotifyClosedFileSource } from './close-write-source';
import { ensureHelperBuilt } from './fanotify/testing/helper-binary';
import { mountTmpfs, runAsNobody, waitUntil, type TmpfsMount } from './fanotify/testing/kernel-fixtures';

/**
 * The removable-media channel's kernel source (issue 16): the exec helper's close-write mode on a
 * tmpfs only this test watches. Writes are made as nobody; each file is reported once its writer
 * closed it, with no settle wait.
 */
let mount: TmpfsMount;
let source: FanotifyClosedFileSource;

beforeAll(() => {
  source = new FanotifyClosedFileSource(ensureHelperBuilt());
  mount = mountTmpfs('close-write');
  chmodSync(path.dirname(mount.mountPoint), 0o755);
  mkdirSync(path.join(mount.mountPoint, 'stick'), { mode: 0o777 });
  chmodSync(path.join(mount.mountPoint, 'stick'), 0o777);
});

afterAll(() => mount.cleanup());

it('reports each file a user wrote and closed, once per close, and nothing for a file only read', async () => {
  const closed: string[] = [];
  const errors: string[] = [];
  const watch = await source.watchMount(mount.mountPoint, (file) => closed.push(file), (message) => errors.push(message));
  try {
    const list = path.join(mount.mountPoint, 'stick', 'customers.csv');
    const note = path.join(mount.mountPoint, 'stick', 'note.txt');
    const script = `printf 'id,name\\n' > "$1"; printf 'hello' > "$2"; cat "$1" > /dev/null`;
    expect(await runAsNobody(['/bin/sh', '-c', script, 'writer', list, note])).toMatchObject({ code: 0 });
    await waitUntil(() => closed.includes(list) && closed.includes(note), 5000, 'both closes');
    // `cat` only read the list: no second report for it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed.filter((file) => file === list)).toHaveLength(1);
    expect(errors).toEqual([]);
  } finally {
    await watch.close();
  }
});

it('refuses to start on a path that is no mount it can watch, with the kernel’s reason', async () => {
  await expect(source.watchMount('/nonexistent/stick', () => undefined, () => undefined)).rejects.toThrow(/cannot watch \/nonexistent\/stick: No such file or directory/);
});

it('stops its helper when closed', async () => {
  const watch = await source.watchMount(mount.mountPoint, () => undefined, () => undefined);
  const before = execFileSync('pgrep', ['-f', '--', `close-write ${mount.mountPoint}`], { encoding: 'utf8' }).trim();
  expect(before).not.toBe('');
  await watch.close();
  await waitUntil(() => {
    try {
      execFileSync('pgrep', ['-f', '--', `close-write ${mount.mountPoint}`]);
      return false;
    } catch {
      return true;
    }
  }, 5000, 'the helper to exit');
});
