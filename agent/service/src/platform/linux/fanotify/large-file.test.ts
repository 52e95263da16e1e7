import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, chmodSync, openSync, closeSync, ftruncateSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { appsSection } from '@dlp/shared';
import { ExecGuard } from './exec-guard';
import type { ExecDecision } from './exec-guard-types';
import { ensureHelperBuilt } from './testing/helper-binary';
import { mountTmpfs, NOBODY, runAsNobody, sha256File, waitUntil, type TmpfsMount } from './testing/kernel-fixtures';

/**
 * A timeout means the helper is unresponsive, never that a file is large: an exec waits while its
 * file is being hashed, and the fail mode answers only when the hash stops making progress. The
 * policy's timeout is the shortest allowed (10 ms), so hashing 400 MB outlives it many times over.
 */
let helperPath: string;
let mount: TmpfsMount;
let guard: ExecGuard;
let problems: string[] = [];
const decisions: ExecDecision[] = [];
const MARKER = 'BLOCKED-PROGRAM-RAN';
const PADDED_BYTES = 400 * 1024 * 1024;

beforeAll(() => {
  helperPath = ensureHelperBuilt();
  mount = mountTmpfs('large-file', 1024);
  chmodSync(path.dirname(mount.mountPoint), 0o755);
});

afterEach(async () => {
  await guard.stop();
  decisions.splice(0);
  problems = [];
});

afterAll(() => mount.cleanup());

async function startGuard(apps: Parameters<typeof appsSection.parse>[0]) {
  guard = new ExecGuard({ helperPath, marks: [mount.mountPoint], statsIntervalMs: 0, reportIntervalMs: 0 });
  guard.on('decision', (decision) => decisions.push(decision));
  guard.on('problem', (problem) => problems.push(problem));
  await guard.applyPolicy(appsSection.parse(apps), 'enforce');
  await guard.start();
}

/** Grows the file by a hole (no fd stays open for writing: the exec would fail with ETXTBSY). */
function extendSparse(file: string, bytes: number): void {
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, statSync(file).size + bytes);
  } finally {
    closeSync(fd);
  }
}

/** Allowlist mode, fail open, 10 ms: only the known program may run, and the unknown one must be hashed to know it is unknown. */
function allowlist(known: string) {
  return { defaultAction: 'block' as const, failMode: 'open' as const, decisionTimeoutMs: 10, rules: [{ id: 'known', action: 'allow' as const, kind: 'sha256' as const, value: sha256File(known) }] };
}

it.each([
  ['sparse-padded', (file: string) => extendSparse(file, PADDED_BYTES)],
  ['real-padded', (file: string) => appendFileSync(file, Buffer.alloc(PADDED_BYTES, 0x5a))],
])('in allowlist mode with fail-open refuses an unknown %s 400 MB program nobody runs, however long it takes to hash', async (_kind, pad) => {
  const known = mount.install('known', { source: '/bin/echo' });
  const unknown = mount.install(`unknown-${_kind}`, { source: '/bin/echo' });
  pad(unknown);
  try {
    await startGuard(allowlist(known));
    const outcome = await runAsNobody([unknown, MARKER], { timeoutMs: 60_000 });
    expect(outcome.stdout).not.toContain(MARKER);
    expect(outcome.denied).toBe(true);
    await waitUntil(() => decisions.some((d) => d.exePath === unknown), 5000, 'the blocked report');
    expect(decisions.find((d) => d.exePath === unknown)).toMatchObject({ verdict: 'deny', report: 'blocked', ruleId: null });
    const stats = await guard.stats();
    expect(stats).toMatchObject({ timeouts: 0, hashesInFlight: 0 });
    expect(stats.bytesHashed).toBeGreaterThanOrEqual(PADDED_BYTES);
    expect(stats.longestWaitMs).toBeGreaterThan(10);
    // The known program still runs.
    expect(await runAsNobody([known, 'fine'])).toMatchObject({ code: 0, stdout: 'fine\n' });
  } finally {
    rmSync(unknown);
  }
});

it('refuses a program that keeps changing while it is hashed, reports why, and caches nothing', async () => {
  const other = mount.install('other', { source: '/bin/true' });
  const changing = mount.install('changing', { source: '/bin/echo' });
  // Big enough that each hash takes a while (sparse: hundreds of MB/s) and a write lands during it.
  extendSparse(changing, 256 * 1024 * 1024);
  chmodSync(changing, 0o777); // nobody rewrites it
  // Blocklist mode: a sha256 rule for something else, so the changing file must be hashed.
  await startGuard({ failMode: 'open', rules: [{ id: 'no-true', action: 'block', kind: 'sha256', value: sha256File(other) }] });
  // nobody rewrites one byte of the padding in a loop (open, write, close: never holding it open).
  // dd, not python: an interpreter's opens of an executable file are judged themselves (and wait for its hash).
  const rewrite = `while :; do printf x | dd of="$0" bs=1 seek=1048576 conv=notrunc status=none; done`;
  const writer = spawn('sh', ['-c', rewrite, changing], { ...NOBODY, stdio: 'ignore' });
  // On a loaded machine the writer could be starved for a whole hash, which then sees a stable file
  // and rightly allows content no rule blocks: the writer and its children run at nice -10 (root's).
  execFileSync('renice', ['-n', '-10', '-p', String(writer.pid)]);
  try {
    await waitUntil(() => statSync(changing).mtimeMs > Date.now() - 1000, 5000, 'the writer to start');
    const outcome = await runAsNobody([changing, MARKER], { timeoutMs: 60_000 });
    expect(outcome.stdout).not.toContain(MARKER);
    expect(outcome.code).not.toBe(0);
  } finally {
    writer.kill('SIGKILL');
  }
  await waitUntil(() => problems.some((p) => p.includes('changed while it was hashed')), 5000, 'the helper error');
  expect(decisions.find((d) => d.exePath === changing)).toMatchObject({ verdict: 'deny', report: 'blocked', ruleId: null });
  expect((await guard.stats()).changedWhileHashed).toBeGreaterThanOrEqual(3);
});
