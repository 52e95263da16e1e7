import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { appsSection, type PolicyMode } from '@dlp/shared';
import type { z } from 'zod';
import { ExecGuard } from './exec-guard';
import type { ExecDecision, ExecGuardOptions } from './exec-guard-types';
import { ensureHelperBuilt } from './testing/helper-binary';
import { mountTmpfs, nextEvent, ORDINARY_UID, runExec, sha256File, waitUntil, waitUntilSettled, type TmpfsMount } from './testing/kernel-fixtures';

/**
 * Pre-exec blocking against the real kernel: a helper marks a tmpfs mounted for this file only,
 * and binaries copied onto it are executed for real.
 */
type AppsInput = z.input<typeof appsSection>;

let helperPath: string;
let mount: TmpfsMount;
const guards: ExecGuard[] = [];

beforeAll(() => {
  helperPath = ensureHelperBuilt();
  mount = mountTmpfs('exec-guard');
});

afterEach(async () => {
  await Promise.all(guards.splice(0).map((guard) => guard.stop()));
});

afterAll(() => {
  mount.cleanup();
});

async function startGuard(apps: AppsInput, mode: PolicyMode = 'enforce', options: Partial<ExecGuardOptions> = {}) {
  const guard = new ExecGuard({ helperPath, marks: [mount.mountPoint], statsIntervalMs: 0, reportIntervalMs: 0, ...options });
  guards.push(guard);
  const decisions: ExecDecision[] = [];
  guard.on('decision', (decision) => decisions.push(decision));
  await guard.applyPolicy(appsSection.parse(apps), mode);
  await guard.start();
  return { guard, decisions };
}

function decisionFor(decisions: ExecDecision[], exePath: string): Promise<ExecDecision> {
  return waitUntil(() => decisions.some((d) => d.exePath === exePath), 5000, `a decision for ${exePath}`).then(
    () => decisions.find((d) => d.exePath === exePath) as ExecDecision,
  );
}

describe('ExecGuard on a marked tmpfs', () => {
  it('refuses to start a binary blocked by sha256, whatever it is called, and reports it', async () => {
    const blocked = mount.install('sha/blocked-true');
    const renamed = mount.install('sha/innocent-name');
    const different = mount.install('sha/other-true', { append: 'x' });
    const { decisions } = await startGuard({ rules: [{ id: 'no-true', action: 'block', kind: 'sha256', value: sha256File(blocked) }] });

    // Node's own spawn sees the kernel's refusal (the helper is healthy, so this cannot hang).
    const direct = spawnSync(blocked, [], { timeout: 10_000 });
    expect((direct.error as NodeJS.ErrnoException | undefined)?.code).toBe('EPERM');
    expect((await runExec(renamed)).denied).toBe(true);
    expect(await runExec(different)).toMatchObject({ code: 0, denied: false });

    const report = await decisionFor(decisions, blocked);
    expect(report).toMatchObject({ verdict: 'deny', report: 'blocked', ruleId: 'no-true', sha256: sha256File(blocked), name: 'blocked-true' });
    expect(report.pid).toBeGreaterThan(0);
    expect(report.uid).toBe(0);
    expect(await decisionFor(decisions, renamed)).toMatchObject({ verdict: 'deny', ruleId: 'no-true' });
    expect(decisions.some((d) => d.exePath === different)).toBe(false);
  });

  it('applies a rule change to the very next exec', async () => {
    const target = mount.install('change/tool');
    const blockIt = { rules: [{ id: 'block-tool', action: 'block' as const, kind: 'sha256' as const, value: sha256File(target) }] };
    const { guard } = await startGuard(blockIt);
    expect((await runExec(target)).denied).toBe(true);

    await guard.applyPolicy(appsSection.parse({ rules: [] }), 'enforce');
    expect(await runExec(target)).toMatchObject({ code: 0, denied: false });

    await guard.applyPolicy(appsSection.parse(blockIt), 'enforce');
    expect((await runExec(target)).denied).toBe(true);
  });

  it('lets the exec run in monitor mode and reports that it would have blocked it', async () => {
    const target = mount.install('monitor/tool');
    const { decisions } = await startGuard({ rules: [{ id: 'watch', action: 'block', kind: 'name', value: 'tool' }] }, 'monitor');
    expect(await runExec(target)).toMatchObject({ code: 0, denied: false });
    expect(await decisionFor(decisions, target)).toMatchObject({ verdict: 'allow', report: 'would-block', ruleId: 'watch' });
  });

  it('blocks by path glob and by file name', async () => {
    const deep = mount.install('glob/tools/sub/dir/x');
    const elsewhere = mount.install('glob/other/x');
    const byName = mount.install('glob/other/nc-copy');
    const { decisions } = await startGuard({
      rules: [
        { id: 'tools', action: 'block', kind: 'path', value: `${mount.mountPoint}/glob/tools/**` },
        { id: 'nc', action: 'block', kind: 'name', value: 'nc-copy' },
      ],
    });
    expect((await runExec(deep)).denied).toBe(true);
    expect(await runExec(elsewhere)).toMatchObject({ code: 0, denied: false });
    expect((await runExec(byName)).denied).toBe(true);
    expect(await decisionFor(decisions, deep)).toMatchObject({ ruleId: 'tools' });
    expect(await decisionFor(decisions, byName)).toMatchObject({ ruleId: 'nc' });
  });

  it('denies an unknown binary outside the trusted paths in allowlist mode', async () => {
    const trusted = mount.install('allowlist/trusted/tool');
    const unknown = mount.install('allowlist/downloads/tool');
    const { decisions } = await startGuard({ defaultAction: 'block', trustedPaths: [`${mount.mountPoint}/allowlist/trusted/`] });
    expect(await runExec(trusted)).toMatchObject({ code: 0, denied: false });
    expect((await runExec(unknown)).denied).toBe(true);
    expect(await decisionFor(decisions, unknown)).toMatchObject({ verdict: 'deny', report: 'blocked', ruleId: null });
  });

  it('hashes a file only when a sha256 rule could decide, and then once', async () => {
    const target = mount.install('lazy/tool');
    const { guard } = await startGuard({ rules: [{ id: 'path-only', action: 'block', kind: 'path', value: '/nowhere/**' }] });
    await runExec(target);
    await runExec(target);
    expect(await guard.stats()).toMatchObject({ hashes: 0, cacheMisses: 1, cacheHits: 1 });

    await waitUntilSettled(target);
    await guard.applyPolicy(appsSection.parse({ rules: [{ id: 'sha', action: 'block', kind: 'sha256', value: 'ab'.repeat(32) }] }), 'enforce');
    for (let i = 0; i < 3; i++) expect(await runExec(target)).toMatchObject({ code: 0 });
    expect(await guard.stats()).toMatchObject({ hashes: 1, cacheMisses: 2, cacheHits: 3, unsettledRehashes: 0 });
    expect(guard.status()).toMatchObject({ running: true, restarts: 0, timeouts: 0 });

    // A file written just now is hashed at each exec until it has been still for the settle time.
    const fresh = mount.install('lazy/fresh');
    for (let i = 0; i < 2; i++) expect(await runExec(fresh)).toMatchObject({ code: 0 });
    expect(await guard.stats()).toMatchObject({ hashes: 3, unsettledRehashes: 1 });
  });

  it('hashes a new file once for concurrent execs, while cached decisions keep flowing', async () => {
    const big = mount.install('concurrent/big', { append: Buffer.alloc(448 * 1024 * 1024, 7) });
    const small = mount.install('concurrent/small');
    await waitUntilSettled(small); // its digest is reused below
    // Portable SHA-256 keeps the helper busy with this file for about 1.5 s here: long enough for a
    // cached exec (a shell spawn) to be answered meanwhile even when the machine is loaded.
    process.env.DLP_SHA256_PORTABLE = '1';
    const started = startGuard({
      decisionTimeoutMs: 5000,
      rules: [{ id: 'no-big', action: 'block', kind: 'sha256', value: sha256File(big) }],
    });
    const { guard } = await started.finally(() => delete process.env.DLP_SHA256_PORTABLE);
    expect(await runExec(small)).toMatchObject({ code: 0 }); // hashed and cached now
    const hashesBefore = (await guard.stats()).hashes;

    const bigExecs = Array.from({ length: 6 }, () => runExec(big));
    await waitUntil(async () => (await guard.stats()).pending > 0, 5000, 'the big execs to wait for their hash');
    // The main loop is not stuck behind the hash: a cached exec is answered meanwhile.
    expect(await runExec(small)).toMatchObject({ code: 0 });
    expect((await guard.stats()).pending).toBeGreaterThan(0);

    for (const outcome of await Promise.all(bigExecs)) expect(outcome.denied).toBe(true);
    expect(await guard.stats()).toMatchObject({ hashes: hashesBefore + 1, timeouts: 0, denied: 6 });
  });

  it('answers every exec and keeps no file descriptor behind', async () => {
    const blocked = mount.install('fds/blocked');
    const allowed = mount.install('fds/allowed', { append: 'other content' });
    const { guard } = await startGuard({ rules: [{ id: 'no-blocked', action: 'block', kind: 'sha256', value: sha256File(blocked) }] });
    const helperFds = () => readdirSync(`/proc/${guard.status().helperPid ?? 0}/fd`).length;
    await runExec(allowed);
    const before = helperFds();
    for (let i = 0; i < 10; i++) {
      const fresh = mount.install(`fds/fresh-${i}`, { append: `content ${i}` }); // a new file: a cache miss and a hash
      const outcomes = await Promise.all([runExec(blocked), runExec(allowed), runExec(fresh)]);
      expect(outcomes.map((o) => o.denied)).toEqual([true, false, false]);
    }
    expect(await guard.stats()).toMatchObject({ decisions: 31, pending: 0 });
    expect(helperFds()).toBe(before);
  });

  it('folds repeated blocks into one report with a count instead of flooding the agent', async () => {
    const target = mount.install('repeat/tool');
    const { guard, decisions } = await startGuard(
      { rules: [{ id: 'no-tool', action: 'block', kind: 'name', value: 'tool' }] },
      'enforce',
      { reportIntervalMs: 60_000 },
    );
    for (let i = 0; i < 5; i++) expect((await runExec(target)).denied).toBe(true);
    await guard.stats(); // a round trip: every report written before it has arrived
    expect(decisions).toHaveLength(1);
    // On shutdown the helper sends what it held back, so the record stays complete.
    await guard.stop();
    expect(decisions).toHaveLength(2);
    expect(decisions.reduce((total, d) => total + 1 + d.suppressed, 0)).toBe(5);
  });

  it("always allows the agent's own execs", async () => {
    const target = mount.install('agent/tool');
    // Stands in for the agent: a shell that will exec the blocked binary itself, keeping its pid.
    const agent = spawn('/bin/sh', ['-c', 'read line; exec "$0"', target], { stdio: ['pipe', 'ignore', 'pipe'] });
    try {
      const pid = agent.pid;
      if (pid === undefined) throw new Error('could not start the stand-in agent');
      await startGuard({ rules: [{ id: 'no-tool', action: 'block', kind: 'name', value: 'tool' }] }, 'enforce', { agentPid: pid });
      const exited = new Promise<number | null>((resolve) => agent.on('close', (code) => resolve(code)));
      agent.stdin.write('go\n');
      expect(await exited).toBe(0);
      expect((await runExec(target)).denied).toBe(true);
    } finally {
      agent.kill('SIGKILL');
    }
  });

  it('refuses to mark a directory that is not a mount point', async () => {
    const plainDir = path.join(mount.mountPoint, 'not-a-mount');
    mkdirSync(plainDir, { recursive: true });
    const guard = new ExecGuard({ helperPath, marks: [plainDir], statsIntervalMs: 0 });
    await expect(guard.start()).rejects.toThrow(/not a mount point/);
  });

  it('says whether pre-exec blocking can work here, and why not', async () => {
    await expect(ExecGuard.available(helperPath)).resolves.toEqual({ available: true, helperPath });
    await expect(ExecGuard.available('/nonexistent/dlp-exec-guard')).resolves.toEqual({
      available: false,
      reason: 'helper binary not built or not executable: /nonexistent/dlp-exec-guard',
    });
  });

  it('reports stats on its own at the configured interval', async () => {
    const { guard } = await startGuard({}, 'enforce', { statsIntervalMs: 50 });
    const stats = await nextEvent<{ decisions: number }>((listener) => {
      guard.on('stats', listener);
      return () => guard.off('stats', listener);
    });
    expect(stats.decisions).toBeGreaterThanOrEqual(0);
  });
});

describe('allows cached in the kernel', () => {
  const nothingBlocked = { rules: [{ id: 'elsewhere', action: 'block' as const, kind: 'path' as const, value: '/nowhere/**' }] };

  it('let a root-owned program allowed once run again without asking the helper', async () => {
    const target = mount.install('kernel/root-tool', { owner: 0 });
    const { guard } = await startGuard(nothingBlocked);
    for (let i = 0; i < 3; i++) expect(await runExec(target)).toMatchObject({ code: 0 });
    expect(await guard.stats()).toMatchObject({ decisions: 1, kernelCached: 1 });
  });

  it('are dropped when the rules change, so a newly blocked program is blocked at once', async () => {
    const target = mount.install('kernel/later-blocked', { owner: 0 });
    const { guard } = await startGuard(nothingBlocked);
    await runExec(target);
    await runExec(target);
    await guard.applyPolicy(appsSection.parse({ rules: [{ id: 'now-blocked', action: 'block', kind: 'sha256', value: sha256File(target) }] }), 'enforce');
    expect((await runExec(target)).denied).toBe(true);
  });

  it('are dropped when the file is written to, so changed content is judged again', async () => {
    const target = mount.install('kernel/changes', { owner: 0 });
    const evil = Buffer.from('appended payload');
    const { guard } = await startGuard({
      rules: [{ id: 'evil', action: 'block', kind: 'sha256', value: sha256File(target, evil) }],
    });
    expect(await runExec(target)).toMatchObject({ code: 0 });
    expect(await guard.stats()).toMatchObject({ kernelCached: 1 });
    appendFileSync(target, evil);
    expect((await runExec(target)).denied).toBe(true);
  });

  it('are never made for programs other users could change or move, nor for exceptions or monitor-mode blocks', async () => {
    const userOwned = mount.install('kernel/user-owned');
    const groupWritable = mount.install('kernel/group-writable', { owner: 0, append: 'group' });
    chmodSync(groupWritable, 0o775);
    const watched = mount.install('kernel/watched', { owner: 0, append: 'watched' });
    const excepted = mount.install('kernel/excepted', { owner: 0, append: 'excepted' });
    // Root's file, but in a directory its owner could rename (moving the file under another path).
    const inUserDir = mount.install('kernel/user-dir/root-tool', { owner: 0, append: 'in a user dir' });
    chownSync(path.dirname(inUserDir), ORDINARY_UID, ORDINARY_UID);
    const { guard } = await startGuard(
      {
        rules: [
          { id: 'exception:grant-1', action: 'allow', kind: 'sha256', value: sha256File(excepted) },
          { id: 'no-excepted', action: 'block', kind: 'sha256', value: sha256File(excepted) },
          { id: 'watch', action: 'block', kind: 'path', value: watched },
        ],
      },
      'monitor',
    );
    for (const file of [userOwned, groupWritable, watched, excepted, inUserDir]) {
      expect(await runExec(file)).toMatchObject({ code: 0 });
      expect(await runExec(file)).toMatchObject({ code: 0 });
    }
    expect(await guard.stats()).toMatchObject({ decisions: 10, kernelCached: 0 });
  });
});
