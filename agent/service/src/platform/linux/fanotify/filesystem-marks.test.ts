import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { appsSection } from '@dlp/shared';
import { ExecGuard } from './exec-guard';
import type { ExecDecision } from './exec-guard-types';
import { ensureHelperBuilt } from './testing/helper-binary';
import { mountTmpfs, runAsNobody, sha256File, waitUntil, type TmpfsMount } from './testing/kernel-fixtures';

/**
 * Marks are filesystem (superblock) marks: a copy of the mount in a user's own mount namespace
 * (`unshare -Urm`) and a bind mount elsewhere reach the same mark. The helper marks only this
 * file's tmpfs (a filesystem mark on a private tmpfs affects nothing else); attempts run as nobody.
 */
let helperPath: string;
let mount: TmpfsMount;
let bindPoint: string;
let guard: ExecGuard;
let blocked: string;
const decisions: ExecDecision[] = [];
const MARKER = 'BLOCKED-PROGRAM-RAN';

beforeAll(async () => {
  helperPath = ensureHelperBuilt();
  mount = mountTmpfs('fs-marks');
  chmodSync(path.dirname(mount.mountPoint), 0o755); // nobody must reach the programs
  blocked = mount.install('blocked', { source: '/bin/echo' });
  bindPoint = path.join(path.dirname(mount.mountPoint), 'bind');
  mkdirSync(bindPoint);
  guard = new ExecGuard({ helperPath, marks: [mount.mountPoint], statsIntervalMs: 0, reportIntervalMs: 0 });
  guard.on('decision', (decision) => decisions.push(decision));
  await guard.applyPolicy(appsSection.parse({ rules: [{ id: 'no-echo-copy', action: 'block', kind: 'sha256', value: sha256File(blocked) }] }), 'enforce');
  await guard.start();
});

afterAll(async () => {
  await guard.stop();
  try {
    execFileSync('umount', [bindPoint]);
  } catch {
    // not mounted (a test failed before)
  }
  rmSync(bindPoint, { recursive: true, force: true });
  mount.cleanup();
});

const decidedFor = (exePath: string) =>
  waitUntil(() => decisions.some((d) => d.exePath === exePath && d.report === 'blocked'), 5000, `a blocked report for ${exePath}`);

it('refuses the blocked program run by nobody in a user + mount namespace of its own (unshare -Urm)', async () => {
  const outcome = await runAsNobody(['unshare', '-Urm', blocked, MARKER]);
  expect(outcome.stdout).not.toContain(MARKER);
  expect(outcome.denied).toBe(true);
  await decidedFor(blocked);
});

it('refuses it through a bind mount of the file system made after the mark', async () => {
  execFileSync('mount', ['--bind', mount.mountPoint, bindPoint]);
  const throughBind = path.join(bindPoint, 'blocked');
  const outcome = await runAsNobody([throughBind, MARKER]);
  expect(outcome.stdout).not.toContain(MARKER);
  expect(outcome.denied).toBe(true);
  await decidedFor(throughBind);
});

it('reports the marked superblock', async () => {
  const dev = execFileSync('mountpoint', ['-d', mount.mountPoint], { encoding: 'utf8' }).trim();
  expect(await guard.superblocks()).toContainEqual(expect.objectContaining({ dev, fstype: 'tmpfs', marked: 1, mountPoint: mount.mountPoint }));
  expect((await guard.stats()).superblocks).toBe(1);
});

it('still lets nobody run an unblocked program from the same file system in its own namespace', async () => {
  const other = mount.install('other', { source: '/bin/echo', append: '\n' });
  const outcome = await runAsNobody(['unshare', '-Urm', other, 'fine']);
  expect(outcome).toMatchObject({ code: 0, stdout: 'fine\n' });
});
