import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appsSection } from '@dlp/shared';
import { ExecGuard } from './exec-guard';
import type { ExecDecision } from './exec-guard-types';
import { ensureHelperBuilt } from './testing/helper-binary';
import { NOBODY, runAsNobody, sha256File, waitUntil } from './testing/kernel-fixtures';

/**
 * A file rewritten in place within its file system's timestamp step keeps the same (device, inode,
 * ctime, size): the key of the helper's decision cache. ext2 and ext3 here keep ctime to one
 * scheduler tick (4 ms), FAT to 2 s, and before Linux 6.13's fine-grained timestamps so did ext4
 * and tmpfs. As nobody, in a folder of their own on such a file system: write an allowed program,
 * run it, turn it into blocked content of the same size, run it again, inside one tick (a small C
 * program, testing/racy-rewrite.c, many times over). The helper must hash it again: a digest is
 * trusted for a later exec only when the file's ctime is older than the start of its hash by more
 * than any file system's step (native/decision-cache.c).
 */
const MARKER = 'BLOCKED-CONTENT-RAN';
const TRIES = 200;
let helperPath: string;
let root: string;
let mountPoint: string;
let attacker: string;
let guard: ExecGuard;
const decisions: ExecDecision[] = [];
let allowedSource: string;
let blockedSource: string;

beforeAll(async () => {
  helperPath = ensureHelperBuilt();
  root = mkdtempSync(path.join(os.tmpdir(), 'dlp-racy-rewrite-'));
  chmodSync(root, 0o755);
  attacker = path.join(root, 'racy-rewrite');
  execFileSync('cc', ['-O2', '-Wall', '-Werror', '-o', attacker, path.join(__dirname, 'testing', 'racy-rewrite.c')]);
  const image = path.join(root, 'disk.img');
  execFileSync('truncate', ['-s', '32M', image]);
  execFileSync('mkfs.ext2', ['-q', '-F', image]);
  mountPoint = path.join(root, 'disk');
  mkdirSync(mountPoint);
  execFileSync('mount', ['-o', 'loop', image, mountPoint]);
  mkdirSync(path.join(mountPoint, 'home'));
  chownSync(path.join(mountPoint, 'home'), NOBODY.uid, NOBODY.gid);
  // Two programs of one size that differ in their last byte: echo prints its arguments either way.
  allowedSource = path.join(root, 'allowed');
  blockedSource = path.join(root, 'blocked');
  for (const [file, tail] of [[allowedSource, 'B'], [blockedSource, 'A']] as const) {
    copyFileSync('/bin/echo', file);
    appendFileSync(file, tail);
    chmodSync(file, 0o755);
  }
  guard = new ExecGuard({ helperPath, marks: [mountPoint], statsIntervalMs: 0, reportIntervalMs: 0 });
  guard.on('decision', (decision) => decisions.push(decision));
  await guard.applyPolicy(appsSection.parse({ rules: [{ id: 'no-tail-a', action: 'block', kind: 'sha256', value: sha256File(blockedSource) }] }), 'enforce');
  await guard.start();
});

afterAll(async () => {
  await guard?.stop();
  if (mountPoint) execFileSync('umount', ['-l', mountPoint]);
  rmSync(root, { recursive: true, force: true });
});

it('refuses blocked content written over an allowed program of the same size within one timestamp step', async () => {
  const target = path.join(mountPoint, 'home', 'tool');
  const outcome = await runAsNobody([attacker, allowedSource, target, MARKER, String(TRIES)], { timeoutMs: 120_000 });
  // Every allowed run ran (the attempt was real), and the blocked content never did.
  expect(outcome.stdout).toContain(`allowed runs: ${TRIES} of ${TRIES}`);
  expect(outcome.stdout).not.toContain(MARKER);
  await waitUntil(() => decisions.filter((d) => d.exePath === target && d.verdict === 'deny').length >= TRIES, 10_000, 'every refusal reported');
});
