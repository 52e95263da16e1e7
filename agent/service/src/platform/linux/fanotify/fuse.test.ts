import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appsSection } from '@dlp/shared';
import { ExecGuard } from './exec-guard';
import type { ExecDecision } from './exec-guard-types';
import { ensureHelperBuilt } from './testing/helper-binary';
import { mountTmpfs, NOBODY, runAsNobody, sha256File, waitUntil, type TmpfsMount } from './testing/kernel-fixtures';

/**
 * A FUSE server run by nobody chooses every stat field of its files and can stall any read. The
 * helper never caches a FUSE file by its stat fields (always hashed) and never touches one on its
 * decision thread. Needs fuse3 and libfuse3-dev (Debian). Root may only mark and read another
 * user's FUSE mount with the fuse module's `allow_sys_admin_access` (the hardening switch); the
 * test sets it and puts the old value back.
 */
const FIXTURE_SOURCE = path.join(__dirname, 'testing', 'fuse-fixture.c');
const SYS_ADMIN_ACCESS = '/sys/module/fuse/parameters/allow_sys_admin_access';
const STALL_SECONDS = 30;

let helperPath: string;
let scratch: string;
let fuseMount: string;
let backing: string;
let server: ChildProcess;
let tmpfs: TmpfsMount;
let guard: ExecGuard;
let sysAdminAccessBefore: string;
const decisions: ExecDecision[] = [];

beforeAll(async () => {
  helperPath = ensureHelperBuilt();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'dlp-fuse-'));
  chmodSync(scratch, 0o755);
  const fixture = path.join(scratch, 'fuse-fixture');
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'fuse3'], { encoding: 'utf8' }).trim().split(/\s+/);
  execFileSync('cc', ['-O2', '-o', fixture, FIXTURE_SOURCE, ...flags]);
  fuseMount = path.join(scratch, 'mnt');
  const work = path.join(scratch, 'work');
  for (const dir of [fuseMount, work]) {
    mkdirSync(dir);
    chownSync(dir, NOBODY.uid, NOBODY.gid);
  }
  // Two programs of the same size: the server shows either under one unchanging stat.
  for (const [name, tail] of [['benign', 'AAAA'], ['blocked', 'BBBB']] as const) {
    copyFileSync('/bin/echo', path.join(work, name));
    appendFileSync(path.join(work, name), tail);
  }
  backing = path.join(work, 'backing');
  copyFileSync(path.join(work, 'benign'), backing);
  chownSync(backing, NOBODY.uid, NOBODY.gid);
  sysAdminAccessBefore = readFileSync(SYS_ADMIN_ACCESS, 'utf8').trim();
  writeFileSync(SYS_ADMIN_ACCESS, 'Y');
  server = spawn(fixture, [backing, String(STALL_SECONDS), fuseMount], { ...NOBODY, stdio: 'ignore' });
  await waitUntil(() => readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${fuseMount} `), 10_000, 'the FUSE mount');

  tmpfs = mountTmpfs('fuse-other');
  chmodSync(path.dirname(tmpfs.mountPoint), 0o755);
  guard = new ExecGuard({ helperPath, marks: [fuseMount, tmpfs.mountPoint], statsIntervalMs: 0, reportIntervalMs: 0 });
  guard.on('decision', (decision) => decisions.push(decision));
  await guard.applyPolicy(
    appsSection.parse({ failMode: 'closed', rules: [{ id: 'no-blocked', action: 'block', kind: 'sha256', value: sha256File(path.join(work, 'blocked')) }] }),
    'enforce',
  );
  await guard.start();
}, 60_000);

afterAll(async () => {
  await guard?.stop();
  try {
    execFileSync('umount', ['-l', fuseMount]);
  } catch {
    // already gone
  }
  server?.kill('SIGKILL');
  tmpfs?.cleanup();
  if (sysAdminAccessBefore) writeFileSync(SYS_ADMIN_ACCESS, sysAdminAccessBefore);
  rmSync(scratch, { recursive: true, force: true });
});

it('blocks a FUSE program whose content changed under the same stat fields: never cached by them', async () => {
  const prog = path.join(fuseMount, 'prog');
  expect(await runAsNobody([prog, 'benign ran'])).toMatchObject({ code: 0, stdout: 'benign ran\n' });
  expect(await runAsNobody([prog, 'benign again'])).toMatchObject({ code: 0, stdout: 'benign again\n' });
  // nobody's server now serves other content; size, mtime, ctime and inode stay what they were.
  copyFileSync(path.join(scratch, 'work', 'blocked'), backing);
  const outcome = await runAsNobody([prog, 'BLOCKED-RAN']);
  expect(outcome.stdout).not.toContain('BLOCKED-RAN');
  expect(outcome.denied).toBe(true);
  await waitUntil(() => decisions.some((d) => d.exePath === prog && d.report === 'blocked'), 5000, 'the blocked report');
  expect((await guard.stats()).kernelCached).toBe(0);
});

it('keeps deciding other execs while a FUSE read stalls for 30 s', async () => {
  let stalledDone = false;
  // Through a shell: Node's spawn() itself waits for the child's exec, which would block this test's own loop.
  const stalled = runAsNobody(['sh', '-c', 'exec "$0" STALLED-RAN', path.join(fuseMount, 'stall')], { timeoutMs: 60_000 }).finally(() => (stalledDone = true));
  await waitUntil(async () => ((await guard.stats()).hashesInFlight ?? 0) > 0, 10_000, 'the stalled hash to start');
  // Another program, on another file system, that must be hashed too: decided while the read hangs.
  const other = tmpfs.install('other', { source: '/bin/echo', append: 'other' });
  expect(await runAsNobody([other, 'not delayed'])).toMatchObject({ code: 0, stdout: 'not delayed\n' });
  expect(stalledDone).toBe(false);
  // The stalled exec gets the fail mode (closed) once its read made no progress for the stall limit.
  const outcome = await stalled;
  expect(outcome.stdout).not.toContain('STALLED-RAN');
  await waitUntil(() => decisions.some((d) => d.report === 'timeout' && d.exePath.endsWith('/stall')), 5000, 'the timeout report');
}, 90_000);
