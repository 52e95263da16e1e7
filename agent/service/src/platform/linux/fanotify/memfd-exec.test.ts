import { spawn } from 'node:child_process';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { appsSection } from '@dlp/shared';
import { ExecGuard } from './exec-guard';
import type { ExecDecision } from './exec-guard-types';
import { ensureHelperBuilt } from './testing/helper-binary';
import { mountTmpfs, NOBODY, sha256File, type TmpfsMount } from './testing/kernel-fixtures';

/**
 * Exec from memfd (memfd_create, write the blocked program, execve /proc/self/fd/N). A memfd lives
 * on the kernel's internal shmem mount: no filesystem mark can cover it (the kernel refuses a
 * superblock mark there, EINVAL), so the exec never reaches the helper. The hardening switch
 * `vm.memfd_noexec=2` closes it. The test applies that switch in a pid namespace of its own (the
 * sysctl is per pid namespace), so the rest of the machine never sees it.
 */
let helperPath: string;
let mount: TmpfsMount;
let guard: ExecGuard;
const decisions: ExecDecision[] = [];
const MARKER = 'MEMFD-PROGRAM-RAN';
const MEMFD_EXEC = `
import os, sys
fd = os.memfd_create('innocent', 0)
with open(sys.argv[1], 'rb') as source:
    os.write(fd, source.read())
os.execv('/proc/self/fd/%d' % fd, ['innocent', '${MARKER}'])
`;

beforeAll(async () => {
  helperPath = ensureHelperBuilt();
  mount = mountTmpfs('memfd');
  chmodSync(path.dirname(mount.mountPoint), 0o755);
  guard = new ExecGuard({ helperPath, marks: [mount.mountPoint], statsIntervalMs: 0, reportIntervalMs: 0 });
  guard.on('decision', (decision) => decisions.push(decision));
  // /bin/echo's content is blocked; nobody copies it from /bin (not marked here) into a memfd.
  await guard.applyPolicy(appsSection.parse({ rules: [{ id: 'no-echo', action: 'block', kind: 'sha256', value: sha256File('/bin/echo') }] }), 'enforce');
  await guard.start();
});

afterAll(async () => {
  await guard.stop();
  mount.cleanup();
});

/** Runs the memfd attempt as nobody inside a new pid namespace, after `setup` (run as root there). */
function memfdExecInPidNamespace(setup: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `${setup}; exec setpriv --reuid=${NOBODY.uid} --regid=${NOBODY.gid} --clear-groups /usr/bin/python3 -c "$0" /bin/echo`;
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['--pid', '--fork', '--', 'sh', '-c', script, MEMFD_EXEC], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

it('RESIDUAL without the hardening: exec of blocked content from a memfd never reaches the helper', async () => {
  // When this starts failing, memfd exec is judged: update the README and the capability report.
  const outcome = await memfdExecInPidNamespace('test "$(cat /proc/sys/vm/memfd_noexec)" = 0');
  expect(outcome.stdout).toContain(MARKER);
  expect(decisions).toEqual([]);
});

it('with vm.memfd_noexec=2 (the hardening switch) the memfd exec is refused', async () => {
  const outcome = await memfdExecInPidNamespace('echo 2 > /proc/sys/vm/memfd_noexec');
  expect(outcome.stdout).not.toContain(MARKER);
  expect(outcome.stderr).toMatch(/PermissionError|Permission denied|Operation not permitted/);
  expect(outcome.code).not.toBe(0);
});
