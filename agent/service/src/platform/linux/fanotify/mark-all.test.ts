import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appsSection } from '@dlp/shared';
import { ExecGuard } from './exec-guard';
import { ensureHelperBuilt } from './testing/helper-binary';
import { mountTmpfs, runExec, waitUntil, type ExecOutcome, type TmpfsMount } from './testing/kernel-fixtures';

/**
 * MARK_ALL marks the file system of every mount in every mount namespace (superblock marks reach
 * every mount of a file system). To test it without touching anyone else's execs, the helper runs
 * with the test-only `--mark-only-source dlp-mark-all`: it scans every namespace as in production,
 * but marks only file systems whose source starts with that (the tmpfs mounts this file makes).
 */
let helperPath: string;
let scratch: string;
let hostMount: TmpfsMount;
let guard: ExecGuard | null = null;
const holders: ChildProcess[] = [];

beforeAll(() => {
  helperPath = ensureHelperBuilt();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'dlp-mark-all-'));
  chmodSync(scratch, 0o755);
  hostMount = mountTmpfs('mark-all');
});

afterAll(async () => {
  for (const holder of holders) holder.kill('SIGKILL'); // their namespaces, and mounts, go with them
  await guard?.stop();
  hostMount.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs a command inside the mount namespace of `pid`. */
function inNamespace(pid: number, command: string[], timeoutMs = 15_000): Promise<ExecOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', ['-t', String(pid), '-m', '--', ...command], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, denied: code === 126 && /Operation not permitted/.test(stderr) });
    });
  });
}

/** Kills a namespace holder and waits until it is gone, with its namespace. */
async function killHolder(pid: number): Promise<void> {
  const holder = holders.find((child) => child.pid === pid);
  if (!holder || holder.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
  holder.kill('SIGKILL');
  await exited;
}

const execInNamespace = (pid: number, file: string) => inNamespace(pid, ['/bin/sh', '-c', 'exec "$0"', file]);

/**
 * Starts a process (as `uid`) in a new mount namespace (a user namespace too for non-root) that
 * mounts a tmpfs named `source` at `dir`, puts a program called `blocked` on it, says "ready" and
 * waits: the mount exists only in that namespace.
 */
async function namespaceWithOwnTmpfs(source: string, dir: string, uid: number): Promise<number> {
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  const script = `mount -t tmpfs ${source} "$0" && cp /bin/true "$0/blocked" && echo ready && exec sleep 120`;
  const unshare = uid === 0 ? ['--mount', '--propagation', 'private'] : ['-Urm'];
  const child = spawn('unshare', [...unshare, '--', '/bin/sh', '-c', script, dir], { uid, gid: uid, stdio: ['ignore', 'pipe', 'inherit'] });
  holders.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`namespace holder exited (${code})`)));
  });
  return child.pid ?? 0;
}

it('marks the file systems of every mount namespace, and ones that appear later in other namespaces', async () => {
  const wrapper = path.join(scratch, 'helper-for-test-mounts');
  writeFileSync(wrapper, `#!/bin/sh\nexec '${helperPath}' --mark-only-source dlp-mark-all --mount-scan-ms 100 "$@"\n`);
  chmodSync(wrapper, 0o755);
  const blocked = hostMount.install('blocked');

  // No BPF LSM: only this test's mounts are marked (--mark-only-source), and the LSM would refuse programs
  // on every other unmarked FUSE or user-namespace file system of the host meanwhile.
  guard = new ExecGuard({ helperPath: wrapper, marks: 'all', bpfLsm: false, statsIntervalMs: 0, reportIntervalMs: 0 });
  await guard.applyPolicy(appsSection.parse({ rules: [{ id: 'no-blocked', action: 'block', kind: 'name', value: 'blocked' }] }), 'enforce');
  await guard.start();

  // The host's tmpfs is marked; the rest of the host (filtered out by the test-only source) is not.
  expect((await runExec(blocked)).denied).toBe(true);
  expect(await runExec('/bin/true')).toMatchObject({ code: 0, denied: false });

  // A tmpfs that exists only in another mount namespace, mounted after MARK_ALL, is found by the scanner.
  const rootNamespace = await namespaceWithOwnTmpfs('dlp-mark-all-late', path.join(scratch, 'late'), 0);
  await waitUntil(async () => (await execInNamespace(rootNamespace, path.join(scratch, 'late', 'blocked'))).denied, 10_000, 'the late mount to be marked');

  // So is one that nobody mounts inside a user namespace of its own (until the scan sees it, it is
  // the race the hardening switch closes: unprivileged user namespaces restricted on the host).
  const userNamespace = await namespaceWithOwnTmpfs('dlp-mark-all-userns', path.join(scratch, 'userns'), 65534);
  await waitUntil(async () => (await execInNamespace(userNamespace, path.join(scratch, 'userns', 'blocked'))).denied, 10_000, "nobody's tmpfs to be marked");

  // A namespace that dies and a new one made at once: the kernel reuses the namespace's inode number
  // and the tmpfs's device number, so the new one can look exactly like the old (same mountinfo).
  // It must be marked all the same (before, the scanner took it for the old one: its programs ran).
  const reuseDir = path.join(scratch, 'reuse');
  const first = await namespaceWithOwnTmpfs('dlp-mark-all-reuse', reuseDir, 65534);
  await waitUntil(async () => (await execInNamespace(first, path.join(reuseDir, 'blocked'))).denied, 10_000, 'the first tmpfs to be marked');
  const firstNamespace = statSync(`/proc/${first}/ns/mnt`).ino;
  await killHolder(first);
  rmSync(reuseDir, { recursive: true, force: true });
  const second = await namespaceWithOwnTmpfs('dlp-mark-all-reuse', reuseDir, 65534);
  const reused = statSync(`/proc/${second}/ns/mnt`).ino === firstNamespace;
  await waitUntil(async () => (await execInNamespace(second, path.join(reuseDir, 'blocked'))).denied, 10_000, `the second tmpfs to be marked (namespace inode reused: ${reused})`);

  const superblocks = await guard.superblocks();
  expect(superblocks.filter((s) => s.marked === 1 && s.fstype === 'tmpfs').length).toBe(4);
  expect(superblocks.some((s) => s.mountPoint === '/')).toBe(false);
  expect((await guard.stats()).mountNamespaces).toBeGreaterThanOrEqual(3);
});
