import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appsSection } from '@dlp/shared';
import { ExecGuard } from './exec-guard';
import type { ExecDecision } from './exec-guard-types';
import { ensureHelperBuilt } from './testing/helper-binary';
import { mountTmpfs, runAsNobody, sha256File, waitUntil, type TmpfsMount } from './testing/kernel-fixtures';

/**
 * An exec whose path the kernel cannot print (deeper than PATH_MAX) is still judged by the open
 * file: its content decides, and the block is reported. Before, readlink failed and the fail mode
 * (open) let it run. nobody builds the deep directory itself with mkdir/chdir chains.
 */
let helperPath: string;
let mount: TmpfsMount;
let guard: ExecGuard;
let sources: string;
const decisions: ExecDecision[] = [];
const MARKER = 'BLOCKED-PROGRAM-RAN';

/** Python run as nobody: descends 40 levels of 120-character names (> 4096 bytes), copies the program there and execs it by a relative path. */
const DEEP_EXEC = `
import os, sys
os.chdir(sys.argv[1])
for _ in range(40):
    os.mkdir(sys.argv[2] * 120)
    os.chdir(sys.argv[2] * 120)
with open(sys.argv[3], 'rb') as source, open('prog', 'wb') as target:
    target.write(source.read())
os.chmod('prog', 0o755)
os.execv('./prog', ['prog', '${MARKER}'])
`;

beforeAll(async () => {
  helperPath = ensureHelperBuilt();
  mount = mountTmpfs('deep-path');
  chmodSync(path.dirname(mount.mountPoint), 0o755);
  mkdirSync(path.join(mount.mountPoint, 'play'), { mode: 0o777 });
  // The programs nobody copies live off the marked tmpfs: python (an interpreter) reading a blocked
  // program on a marked file system is itself refused (its opens are judged like execs).
  sources = mkdtempSync(path.join(os.tmpdir(), 'dlp-deep-sources-'));
  chmodSync(sources, 0o755);
  chmodSync(path.join(mount.mountPoint, 'play'), 0o777);
});

afterEach(async () => {
  await guard.stop();
  decisions.splice(0);
});

afterAll(() => {
  mount.cleanup();
  rmSync(sources, { recursive: true, force: true });
});

function source(name: string): string {
  const file = path.join(sources, name);
  copyFileSync('/bin/echo', file);
  chmodSync(file, 0o755);
  return file;
}

async function startGuard(apps: Parameters<typeof appsSection.parse>[0]) {
  guard = new ExecGuard({ helperPath, marks: [mount.mountPoint], statsIntervalMs: 0, reportIntervalMs: 0 });
  guard.on('decision', (decision) => decisions.push(decision));
  await guard.applyPolicy(appsSection.parse(apps), 'enforce');
  await guard.start();
}

it('refuses a program blocked by sha256 that nobody runs from a directory path longer than PATH_MAX, and reports it', async () => {
  const program = source('echo-copy');
  const sha256 = sha256File(program);
  // Only the copy nobody makes is on a path the kernel cannot print; the source itself is never run.
  await startGuard({ rules: [{ id: 'no-echo-copy', action: 'block', kind: 'sha256', value: sha256 }] });
  const outcome = await runAsNobody(['/usr/bin/python3', '-c', DEEP_EXEC, path.join(mount.mountPoint, 'play'), 'a', program]);
  expect(outcome.stdout).not.toContain(MARKER);
  expect(outcome.stderr).toMatch(/PermissionError|Operation not permitted/);
  await waitUntil(() => decisions.some((d) => d.report === 'blocked'), 5000, 'the blocked report');
  expect(decisions.find((d) => d.report === 'blocked')).toMatchObject({
    verdict: 'deny',
    ruleId: 'no-echo-copy',
    sha256,
    uid: 65534,
    exePath: expect.stringMatching(/^\/\(unreadable path/),
  });
});

it('in allowlist mode refuses it too: a trusted path cannot match a path nobody can read', async () => {
  const program = source('echo-copy-2');
  await startGuard({ defaultAction: 'block', trustedPaths: [`${mount.mountPoint}/`] });
  const outcome = await runAsNobody(['/usr/bin/python3', '-c', DEEP_EXEC, path.join(mount.mountPoint, 'play'), 'b', program]);
  expect(outcome.stdout).not.toContain(MARKER);
  expect(outcome.stderr).toMatch(/PermissionError|Operation not permitted/);
  await waitUntil(() => decisions.some((d) => d.report === 'blocked' && d.ruleId === null), 5000, 'the blocked report');
});
