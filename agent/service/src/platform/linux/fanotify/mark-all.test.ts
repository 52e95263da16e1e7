import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appsSection } from '@dlp/shared';
import { ExecGuard } from './exec-guard';
import { ensureHelperBuilt } from './testing/helper-binary';
import { mountTmpfs, runExec, waitUntil, type ExecOutcome, type TmpfsMount } from './testing/kernel-fixtures';

/**
 * MARK_ALL marks every mount, including /. To test it without touching anyone else's execs, the
 * helper runs in a private mount namespace of its own: its marks land on that namespace's copies
 * of the mounts, so only execs made inside the namespace (through nsenter) are judged.
 */
let helperPath: string;
let scratch: string;
let hostMount: TmpfsMount;
let guard: ExecGuard | null = null;

beforeAll(() => {
  helperPath = ensureHelperBuilt();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'dlp-mark-all-'));
  hostMount = mountTmpfs('mark-all');
});

afterAll(async () => {
  await guard?.stop(); // the namespace, and every mount made in it, goes with the helper
  hostMount.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs a command inside the helper's mount namespace. */
function inNamespace(helperPid: number, command: string[], timeoutMs = 15_000): Promise<ExecOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', ['-t', String(helperPid), '-m', '--', ...command], { stdio: ['ignore', 'ignore', 'pipe'] });
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

const execInNamespace = (pid: number, file: string) => inNamespace(pid, ['/bin/sh', '-c', 'exec "$0"', file]);

it('marks every mount of its namespace, and mounts that appear later', async () => {
  const wrapper = path.join(scratch, 'helper-in-namespace');
  writeFileSync(wrapper, `#!/bin/sh\nexec unshare --mount --propagation private -- '${helperPath}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  const blocked = hostMount.install('blocked');

  guard = new ExecGuard({ helperPath: wrapper, marks: 'all', statsIntervalMs: 0, reportIntervalMs: 0 });
  await guard.applyPolicy(appsSection.parse({ rules: [{ id: 'no-blocked', action: 'block', kind: 'name', value: 'blocked' }] }), 'enforce');
  await guard.start();
  const pid = guard.status().helperPid ?? 0;

  // Inside the namespace: the shell itself (on the namespace's /) runs, the blocked binary does not.
  expect((await execInNamespace(pid, blocked)).denied).toBe(true);
  expect(await execInNamespace(pid, '/bin/true')).toMatchObject({ code: 0, denied: false });
  // Outside it nothing is marked, so nobody else on this machine is affected.
  expect(await runExec(blocked)).toMatchObject({ code: 0, denied: false });

  const lateMountPoint = path.join(scratch, 'late');
  mkdirSync(lateMountPoint);
  expect(await inNamespace(pid, ['mount', '-t', 'tmpfs', 'dlp-mark-all-late', lateMountPoint])).toMatchObject({ code: 0 });
  expect(await inNamespace(pid, ['cp', '/bin/true', path.join(lateMountPoint, 'blocked')])).toMatchObject({ code: 0 });
  await waitUntil(async () => (await execInNamespace(pid, path.join(lateMountPoint, 'blocked'))).denied, 10_000, 'the new mount to be marked');
});
