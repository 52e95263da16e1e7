import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, chmod, chown, copyFile, mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { appsSection } from '@dlp/shared';
import { silentLogger } from '../../core/logger';
import type { AppDecisionReport } from '../../enforce/apps/app-control';
import { ExecutableHashCache, HASH_SETTLE_NS } from '../../enforce/apps/executable-hash-cache';
import { ProcScanAppControl } from '../../enforce/apps/proc-scan-app-control';
import { makeTempDir, waitFor } from '../../testing/fixtures';
import { NOBODY, runAsNobody } from './fanotify/testing/kernel-fixtures';
import { createLinuxPlatform, LinuxHostInfo } from './linux-platform';

const realRoots = { proc: '/proc', sys: '/sys', etc: '/etc' };

describe('Linux platform against a fake host tree', () => {
  it('reads hostname, OS version and user names under the configured roots', async () => {
    const { dir, cleanup } = await makeTempDir('roots');
    try {
      await mkdir(path.join(dir, 'proc/sys/kernel'), { recursive: true });
      await mkdir(path.join(dir, 'etc'));
      await writeFile(path.join(dir, 'proc/sys/kernel/hostname'), 'trader-ws-17\n');
      await writeFile(path.join(dir, 'proc/sys/kernel/osrelease'), '6.1.0-28-amd64\n');
      await writeFile(path.join(dir, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\nzhang.wei:x:1001:1001::/home/zhang.wei:/bin/bash\n');
      const host = new LinuxHostInfo({ proc: path.join(dir, 'proc'), sys: path.join(dir, 'sys'), etc: path.join(dir, 'etc') }, path.join(dir, 'no-utmp'));
      expect(await host.hostname()).toBe('trader-ws-17');
      expect(await host.osVersion()).toBe('6.1.0-28-amd64');
      expect(await host.userName(1001)).toBe('zhang.wei');
      expect(await host.userName(4242)).toBeNull();
      expect(await host.loggedInUser()).toBeNull();
      // A changed passwd file is picked up.
      await writeFile(path.join(dir, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\nli.na:x:1001:1001::/home/li.na:/bin/bash\n');
      const later = new Date(Date.now() + 5000);
      await utimes(path.join(dir, 'etc/passwd'), later, later);
      expect(await host.userName(1001)).toBe('li.na');
    } finally {
      await cleanup();
    }
  });
});

describe('Linux platform against the real /proc', () => {
  const platform = createLinuxPlatform({ roots: realRoots });

  it('inspects the test process itself', async () => {
    const snap = await platform.processes.inspect(process.pid);
    expect(snap).toMatchObject({ pid: process.pid, ppid: process.ppid, uid: process.getuid?.(), exePath: process.execPath, kernelThread: false });
    expect(await platform.processes.listPids()).toContain(process.pid);
    expect(await platform.processes.exePath(process.pid)).toBe(process.execPath);
  });

  it('hashes the running image', async () => {
    const expected = createHash('sha256').update(await readFile('/proc/self/exe')).digest('hex');
    expect(await platform.processes.hashExecutable(process.pid)).toBe(expected);
  });

  it('tells a gone process from a killed one', async () => {
    expect(await platform.processes.inspect(2 ** 22 + 1)).toBeNull();
    expect(await platform.processes.kill(2 ** 22 + 1)).toBe('gone');
  });
});

describe('the /proc scanner on the real host (root)', () => {
  const children: ChildProcess[] = [];
  let cleanup: () => Promise<void> = async () => undefined;
  let control: ProcScanAppControl | null = null;

  afterEach(async () => {
    await control?.stop();
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await cleanup();
  });

  function run(file: string): { child: ChildProcess; exited: Promise<NodeJS.Signals | null> } {
    const child = spawn(file, ['30'], { stdio: 'ignore' });
    children.push(child);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    return { child, exited };
  }

  it('kills a copy of sleep blocked by sha256, and a renamed copy of it too', async () => {
    const temp = await makeTempDir('sleep');
    cleanup = temp.cleanup;
    // Appending bytes keeps the ELF runnable and gives this copy a hash no other process on the host has.
    const tool = path.join(temp.dir, `dlp-test-sleep-${randomBytes(4).toString('hex')}`);
    await copyFile('/bin/sleep', tool);
    await appendFile(tool, randomBytes(32));
    await chmod(tool, 0o755);
    const sha256 = createHash('sha256').update(await readFile(tool)).digest('hex');

    const reports: AppDecisionReport[] = [];
    const platform = createLinuxPlatform({ roots: realRoots });
    control = new ProcScanAppControl({ processes: platform.processes, self: platform.self, scanIntervalMs: 50, sink: { report: (r) => reports.push(r) }, log: silentLogger });
    control.applyPolicy({ serial: 3, mode: 'enforce', apps: appsSection.parse({ rules: [{ id: 'no-sleep-copy', action: 'block', kind: 'sha256', value: sha256 }] }) });

    const first = run(tool);
    await control.start();
    expect(await first.exited).toBe('SIGKILL');
    await waitFor(() => reports.length === 1, 'the first report');
    expect(reports[0]).toMatchObject({ action: 'blocked', ruleId: 'no-sleep-copy', method: 'proc-scan', process: { pid: first.child.pid, exePath: tool, sha256, uid: 0 } });

    const renamed = path.join(temp.dir, 'innocent-looking-name');
    await copyFile(tool, renamed);
    await chmod(renamed, 0o755);
    const second = run(renamed);
    expect(await second.exited).toBe('SIGKILL');
    await waitFor(() => reports.length === 2, 'the second report');
    expect(reports[1]).toMatchObject({ action: 'blocked', process: { pid: second.child.pid, exePath: renamed, name: 'innocent-looking-name', sha256 } });
  });
});

describe('hashes of running programs on the real host (root, the rewrite as nobody)', () => {
  it('hashes again a program rewritten in place with its mtime set back (touch -r), keyed by ctime', async () => {
    const temp = await makeTempDir('rewrite');
    const children: ChildProcess[] = [];
    try {
      await chmod(temp.dir, 0o755);
      const home = path.join(temp.dir, 'home');
      await mkdir(home);
      await chown(home, NOBODY.uid, NOBODY.gid);
      const tool = path.join(home, 'tool');
      const sleep = await readFile('/bin/sleep');
      await writeFile(tool, Buffer.concat([sleep, Buffer.from('B')]), { mode: 0o755 });
      await chown(tool, NOBODY.uid, NOBODY.gid);
      const digestOf = (tail: string) => createHash('sha256').update(sleep).update(tail).digest('hex');
      // Still for longer than any file system's timestamp step, so its hash may be reused.
      await new Promise((resolve) => setTimeout(resolve, Number(HASH_SETTLE_NS / 1_000_000n) + 200));

      const platform = createLinuxPlatform({ roots: realRoots });
      const hashes = new ExecutableHashCache(platform.processes);
      const start = () => {
        const child = spawn(tool, ['30'], { ...NOBODY, stdio: 'ignore' });
        children.push(child);
        return child;
      };
      const first = start();
      await waitFor(async () => (await platform.processes.exePath(first.pid ?? 0)) === tool, 'the first run');
      expect(await hashes.sha256Of(first.pid ?? 0)).toBe(digestOf('B'));
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));

      // The employee's rewrite: the last byte in place (same size), then the old mtime back.
      const before = await stat(tool, { bigint: true });
      const rewrite = `touch -r "$1" "$1.times" && printf A | dd of="$1" bs=1 seek=${sleep.length} conv=notrunc status=none && touch -r "$1.times" "$1"`;
      expect(await runAsNobody(['/bin/sh', '-c', rewrite, 'rewrite', tool])).toMatchObject({ code: 0 });
      const after = await stat(tool, { bigint: true });
      expect({ size: after.size, mtimeNs: after.mtimeNs }).toEqual({ size: before.size, mtimeNs: before.mtimeNs });

      const second = start();
      await waitFor(async () => (await platform.processes.exePath(second.pid ?? 0)) === tool, 'the second run');
      expect(await hashes.sha256Of(second.pid ?? 0)).toBe(digestOf('A'));
    } finally {
      for (const child of children) child.kill('SIGKILL');
      await temp.cleanup();
    }
  });
});
