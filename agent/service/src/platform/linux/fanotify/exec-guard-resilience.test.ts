import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appsSection, type PolicyMode } from '@dlp/shared';
import type { z } from 'zod';
import { ExecGuard } from './exec-guard';
import type { ExecDecision, ExecGuardOptions, ExecGuardRestart } from './exec-guard-types';
import { bundleGuardChild, startGuardChild, type GuardChild } from './testing/guard-child-process';
import { ensureHelperBuilt } from './testing/helper-binary';
import { mountTmpfs, nextEvent, runExec, sha256File, waitUntil, waitUntilSettled, type TmpfsMount } from './testing/kernel-fixtures';

/**
 * "Never hang the workstation": whatever happens to the agent or the helper, every exec on a
 * marked mount completes. Each test stops something for real (SIGSTOP, SIGKILL) on a tmpfs that
 * only this file marks.
 */
type AppsInput = z.input<typeof appsSection>;

let helperPath: string;
let mount: TmpfsMount;
let scratch: string;
let childScript: string;
const guards: ExecGuard[] = [];
const children: GuardChild[] = [];

beforeAll(() => {
  helperPath = ensureHelperBuilt();
  mount = mountTmpfs('exec-guard-resilience', 768);
  scratch = mkdtempSync(path.join(os.tmpdir(), 'dlp-guard-child-'));
  childScript = bundleGuardChild(scratch);
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill();
  await Promise.all(guards.splice(0).map((guard) => guard.stop()));
});

afterAll(() => {
  mount.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

async function startGuard(apps: AppsInput, options: Partial<ExecGuardOptions> = {}, mode: PolicyMode = 'enforce') {
  const guard = new ExecGuard({ helperPath, marks: [mount.mountPoint], statsIntervalMs: 0, reportIntervalMs: 0, ...options });
  guards.push(guard);
  const decisions: ExecDecision[] = [];
  guard.on('decision', (decision) => decisions.push(decision));
  await guard.applyPolicy(appsSection.parse(apps), mode);
  await guard.start();
  return { guard, decisions };
}

function nextRestart(guard: ExecGuard, timeoutMs = 10_000): Promise<ExecGuardRestart> {
  return nextEvent<ExecGuardRestart>(
    (listener) => {
      guard.on('restarted', listener);
      return () => guard.off('restarted', listener);
    },
    () => true,
    timeoutMs,
  );
}

/** Running, and not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('when the agent process is stopped', () => {
  it('the helper keeps deciding on its own, holds what reports it can and counts the ones it drops', async () => {
    // A path of ~3.9 KB makes every report that long: 400 of them overflow both the socket to the
    // stopped agent (~200 KB here) and the helper's own 1 MiB buffer, so some must be dropped.
    const longDirectory = Array.from({ length: 15 }, (_, i) => `${i}`.padEnd(250, 'd')).join('/');
    const blocked = mount.install(`stopped-agent/${longDirectory}/blocked`);
    const allowed = mount.install('stopped-agent/allowed', { append: 'different content' });
    const child = await startGuardChild(childScript, {
      helperPath,
      mountPoint: mount.mountPoint,
      apps: { rules: [{ id: 'no-blocked', action: 'block', kind: 'sha256', value: sha256File(blocked) }] },
      reportIntervalMs: 0,
    });
    children.push(child);
    const execs = 400;
    child.signal('SIGSTOP');
    try {
      for (let i = 0; i < execs; i += 10) {
        const batch = await Promise.all(Array.from({ length: 10 }, () => runExec(blocked)));
        // A child that died took the helper (and the marks) with it: say how, not just "not denied".
        expect({ ended: child.ended, denied: batch.every((outcome) => outcome.denied) }).toEqual({ ended: null, denied: true });
      }
      expect(await runExec(allowed)).toMatchObject({ code: 0, denied: false });
    } finally {
      // Never masks the failure above: a child that is gone is left alone here.
      if (child.ended === null) child.signal('SIGCONT');
    }
    // Once the agent reads again it gets the held reports, and the stats account for the rest.
    child.send({ op: 'stats' });
    const stats = (await child.next('stats')).stats as { reportsDropped: number; denied: number };
    const received = child.messages.filter((m) => m.event === 'decision').length;
    expect(stats.denied).toBe(execs);
    expect(received).toBeGreaterThan(100);
    expect(stats.reportsDropped).toBeGreaterThan(0);
    expect(received + stats.reportsDropped).toBe(execs);
    // Its own pause is not mistaken for a hung helper.
    child.send({ op: 'status' });
    expect((await child.next('status')).status).toMatchObject({ running: true, restarts: 0 });
  }, 120_000);
});

describe('when the helper hangs', () => {
  it('the watchdog kills and restarts it, releasing the exec that was waiting', async () => {
    const blocked = mount.install('hung-helper/blocked');
    const allowed = mount.install('hung-helper/allowed');
    const { guard } = await startGuard({ rules: [{ id: 'no-blocked', action: 'block', kind: 'path', value: blocked }] });
    const hungPid = guard.status().helperPid ?? 0;
    const restarted = nextRestart(guard);

    process.kill(hungPid, 'SIGSTOP');
    const started = Date.now();
    const waitingExec = runExec(allowed);
    const restart = await restarted;
    expect(await waitingExec).toMatchObject({ code: 0, denied: false });
    // Measured for the record (the default decision timeout is 250 ms); bounded above by the waits.
    console.log(`hung helper replaced after ${Date.now() - started} ms`);

    expect(restart.reason).toMatch(/^watchdog: no heartbeat from the helper's decision loop for \d+ ms$/);
    expect(restart).toMatchObject({ restarts: 1 });
    expect(restart.pid).not.toBe(hungPid);
    expect(isAlive(hungPid)).toBe(false);
    expect((await runExec(blocked)).denied).toBe(true);
    expect(guard.status()).toMatchObject({ running: true, restarts: 1 });
  });

  it('the backstop process kills it even while the agent is itself stuck in a spawn behind it', async () => {
    const allowed = mount.install('backstop/allowed');
    const child = await startGuardChild(childScript, {
      helperPath,
      mountPoint: mount.mountPoint,
      apps: { rules: [{ id: 'no-other', action: 'block', kind: 'name', value: 'other' }] },
      reportIntervalMs: 0,
    });
    children.push(child);
    child.send({ op: 'stop-helper-then-spawn', file: allowed });
    expect(await child.next('spawned', 20_000)).toMatchObject({ event: 'spawned', status: 0, error: null });
    const restart = await child.next('restarted', 20_000);
    expect(restart.restart).toMatchObject({ restarts: 1, reason: expect.stringMatching(/^backstop/) });
    expect(isAlive(child.helperPid)).toBe(false);
  });

  it('a merely busy agent does not get its healthy helper killed', async () => {
    const child = await startGuardChild(childScript, {
      helperPath,
      mountPoint: mount.mountPoint,
      apps: {},
      reportIntervalMs: 0,
    });
    children.push(child);
    child.send({ op: 'busy', ms: 3000 }); // three times the backstop's limit
    await child.next('idle-again');
    // A round trip to the helper: a killed helper could not answer it.
    child.send({ op: 'stats' });
    expect(await child.next('stats')).toMatchObject({ stats: { generation: 1 } });
    child.send({ op: 'status' });
    expect((await child.next('status')).status).toMatchObject({ running: true, restarts: 0, helperPid: child.helperPid });
    expect(isAlive(child.helperPid)).toBe(true);
  });

  it('a helper that dies is restarted, with the rules and marks in force again', async () => {
    const blocked = mount.install('died/blocked');
    const { guard } = await startGuard(
      { rules: [{ id: 'no-blocked', action: 'block', kind: 'name', value: 'blocked' }] },
      { restartBackoffMs: { initial: 50, max: 1000 } },
    );
    const restarted = nextRestart(guard);
    process.kill(guard.status().helperPid ?? 0, 'SIGKILL');
    expect((await restarted).reason).toMatch(/^helper exited \(SIGKILL\)/);
    expect((await runExec(blocked)).denied).toBe(true);
  });
});

describe('when a decision is not ready in time', () => {
  // A large file is not a timeout: the exec waits while its hash makes progress. The fail mode is
  // for a hash that stalls (a hung file system): the test-only --hash-stall-test-ms makes every
  // hash read nothing for 3 s, longer than the helper's 2 s stall limit.
  const padding = (fill: number) => Buffer.alloc(128 * 1024 * 1024, fill);
  const slowRule = { id: 'unrelated', action: 'block' as const, kind: 'sha256' as const, value: 'ab'.repeat(32) };
  const stallingHelper = () => {
    const wrapper = path.join(scratch, 'stalling-helper');
    writeFileSync(wrapper, `#!/bin/sh\nexec '${helperPath}' --hash-stall-test-ms 3000 "$@"\n`);
    chmodSync(wrapper, 0o755);
    return wrapper;
  };

  it('waits for the hash of a large file instead of timing out, even with a 10 ms timeout', async () => {
    const huge = mount.install('slow/large', { append: padding(3) });
    const { guard } = await startGuard({ failMode: 'open', decisionTimeoutMs: 10, rules: [{ ...slowRule, value: sha256File(huge) }] });
    expect((await runExec(huge)).denied).toBe(true);
    expect(await guard.stats()).toMatchObject({ timeouts: 0, hashes: 1 });
  });

  it('fails closed when the hash stalls: the exec is denied and counted, and the late hash still decides the next exec', async () => {
    const huge = mount.install('slow/closed', { append: padding(1) });
    await waitUntilSettled(huge); // so the late hash may decide the next exec
    const { guard, decisions } = await startGuard({ failMode: 'closed', decisionTimeoutMs: 10, rules: [slowRule] }, { helperPath: stallingHelper() });
    expect((await runExec(huge)).denied).toBe(true);
    await waitUntil(() => decisions.some((d) => d.exePath === huge), 5000, 'the timeout report');
    expect(decisions.find((d) => d.exePath === huge)).toMatchObject({ verdict: 'deny', report: 'timeout', ruleId: null });

    await waitUntil(async () => (await guard.stats()).hashes === 1, 20_000, 'the hash to finish');
    expect(await runExec(huge)).toMatchObject({ code: 0, denied: false });
    expect(guard.status().timeouts).toBe(1);
  });

  it('fails open when the hash stalls: the exec runs, and the timeout is reported', async () => {
    const huge = mount.install('slow/open', { append: padding(2) });
    const { guard, decisions } = await startGuard({ failMode: 'open', decisionTimeoutMs: 10, rules: [slowRule] }, { helperPath: stallingHelper() });
    expect(await runExec(huge)).toMatchObject({ code: 0, denied: false });
    await waitUntil(() => decisions.some((d) => d.exePath === huge), 5000, 'the timeout report');
    expect(decisions.find((d) => d.exePath === huge)).toMatchObject({ verdict: 'allow', report: 'timeout' });
    expect((await guard.stats()).timeouts).toBe(1);
  });
});
