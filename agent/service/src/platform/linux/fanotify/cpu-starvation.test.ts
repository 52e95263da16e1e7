// Runs alone, after the rest of `npm test` (`npm run test:starvation`): its hundreds of busy
// processes would starve whatever other suite shared the machine with it (on 2 cores, console
// start-ups then time out), and that suite's load would slow its own exec attempts.
import { chmodSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { appsSection } from '@dlp/shared';
import { ExecGuard } from './exec-guard';
import type { ExecDecision, ExecGuardDown, ExecGuardRestart } from './exec-guard-types';
import { ensureHelperBuilt } from './testing/helper-binary';
import { mountTmpfs, nextEvent, runAsNobody, sha256File, waitUntil, type TmpfsMount } from './testing/kernel-fixtures';
import { startExecAttempts } from './testing/exec-attempts';
import { startSpinLoad, type SpinLoad } from './testing/spin-load';

/**
 * Handbook §2a, issue 12: an employee (nobody) who cannot stop the helper tries to starve it of CPU
 * instead, so that its decision loop's heartbeat goes stale, the watchdog replaces the helper, and
 * execs run unchecked until the new one has placed its marks. MARK_ALL as in production (its mount
 * scanner included), marking only this file's tmpfs; stats every second, as the agent may ask.
 *
 * The load runs on one CPU, with the whole helper pinned there too (it cannot escape to the other),
 * so that the jest worker beside this one keeps a CPU and its tests their timing.
 * DLP_STARVE_ALL_CPUS=1 spreads the load over every CPU and starves this worker (the agent's side:
 * ExecGuard and its watchdog) as well; DLP_SPIN_LOOPS changes the load; DLP_TEST_HELPER runs
 * another build of the helper (e.g. one from before the decision thread ran at SCHED_RR).
 */
const SPIN_LOOPS = Number(process.env.DLP_SPIN_LOOPS ?? 500);
const ALL_CPUS = process.env.DLP_STARVE_ALL_CPUS === '1';
/** Where the load and the helper run: the last CPU, or (with DLP_STARVE_ALL_CPUS) anywhere. */
const PIN = ALL_CPUS || os.cpus().length < 2 ? [] : ['taskset', '-c', String(os.cpus().length - 1)];
const ATTEMPTS = 100;
/** Attempts stop after this long even if fewer than ATTEMPTS were made. */
const ATTEMPT_WINDOW_MS = 10_000;
const MARKER = 'BLOCKED-PROGRAM-RAN';
let helperPath: string;
let scratch: string;
let mount: TmpfsMount;
let guard: ExecGuard | null = null;
let load: SpinLoad | null = null;
let stopAttempts: (() => void) | null = null;

beforeAll(() => {
  mount = mountTmpfs('cpu-starvation', 64);
  scratch = path.dirname(mount.mountPoint); // removed with the mount
  chmodSync(scratch, 0o755); // nobody must reach the mount and the spin loops' gate
  helperPath = path.join(scratch, 'helper-for-test-mounts');
  const helper = process.env.DLP_TEST_HELPER ?? ensureHelperBuilt();
  writeFileSync(helperPath, `#!/bin/sh\nexec ${PIN.join(' ')} '${helper}' --mark-only-source dlp-cpu-starvation "$@"\n`, { mode: 0o755 });
});

afterEach(async () => {
  stopAttempts?.();
  stopAttempts = null;
  load?.stop();
  load = null;
  await guard?.stop();
  guard = null;
});

afterAll(() => mount.cleanup());

it(`refuses a blocked program every time while ${SPIN_LOOPS} spin loops as nobody starve the CPU, and the helper is never replaced`, async () => {
  const blocked = mount.install('starved/blocked', { source: '/bin/echo', append: 'cpu-starvation' });
  // No BPF LSM: with --mark-only-source only this test's mounts are marked, and the LSM would refuse
  // programs on every other unmarked FUSE or user-namespace file system of the host meanwhile.
  const running = new ExecGuard({ helperPath, marks: 'all', bpfLsm: false, statsIntervalMs: 1000, reportIntervalMs: 0 });
  guard = running;
  const decisions: ExecDecision[] = [];
  const downs: ExecGuardDown[] = [];
  const problems: string[] = [];
  running.on('decision', (decision) => decisions.push(decision));
  running.on('down', (down) => downs.push(down));
  running.on('problem', (problem) => problems.push(problem));
  await running.applyPolicy(appsSection.parse({ rules: [{ id: 'no-blocked', action: 'block', kind: 'sha256', value: sha256File(blocked) }] }), 'enforce');
  await running.start();
  // Hashed and cached before the load, as a program an employee keeps retrying would be.
  expect((await runAsNobody([blocked, MARKER])).denied).toBe(true);

  const attempts = startExecAttempts(blocked, { marker: MARKER, shells: 10, triesPerShell: ATTEMPTS / 10, stopFile: path.join(scratch, 'stop-attempts'), hardLimitMs: 3 * ATTEMPT_WINDOW_MS });
  stopAttempts = attempts.stop;
  const spinLoad = await startSpinLoad(SPIN_LOOPS, scratch, PIN);
  load = spinLoad;
  const ramp = await spinLoad.release();
  let worstAgeMs = 0;
  const sampler = setInterval(() => (worstAgeMs = Math.max(worstAgeMs, running.heartbeatAgeMs() ?? 0)), 10);
  const window = setTimeout(attempts.stop, ATTEMPT_WINDOW_MS);
  const started = Date.now();
  let output: string;
  try {
    attempts.go();
    output = await attempts.output;
  } finally {
    clearTimeout(window);
    clearInterval(sampler);
    spinLoad.stop();
  }
  const codes = output.split('\n').filter((line) => line.startsWith('rc='));
  const refused = codes.filter((line) => line === 'rc=126').length;
  // For the record (no assertion on time): how hard the load was, and how late the heartbeat got.
  console.log(
    `${SPIN_LOOPS} spin loops on ${ALL_CPUS ? 'every CPU' : 'one CPU'} (${ramp.runnable} runnable after ${ramp.rampMs} ms): ` +
      `${refused} refusals of ${codes.length} attempts in ${Date.now() - started} ms; worst heartbeat age seen ${worstAgeMs} ms; ` +
      `helper down: ${JSON.stringify(downs)}`,
  );

  expect(output).not.toContain(MARKER);
  expect(codes.filter((line) => line !== 'rc=126')).toEqual([]);
  expect(refused).toBeGreaterThanOrEqual(10);
  // No watchdog or backstop kill, no exit: the marks were never dropped.
  expect(downs).toEqual([]);
  expect(problems).toEqual([]); // e.g. "decision thread: real-time priority refused"
  const stats = await running.stats();
  expect(stats.timeouts).toBe(0);
  // The decision thread runs at nice -10 and goes real-time only when starved (native/decision-priority.c): it did here.
  expect(stats.realtimeSwitches).toBeGreaterThanOrEqual(1);
  expect(running.status()).toMatchObject({ running: true, restarts: 0, timeouts: 0 });
  const blockedReports = () => decisions.filter((d) => d.exePath === blocked && d.report === 'blocked' && d.ruleId === 'no-blocked').length;
  await waitUntil(() => blockedReports() === refused + 1, 10_000, 'a report of every refusal');
}, 90_000);

it('is back with its marks soon after the watchdog replaced it: the restart window, for the record (residual helper-restart-window)', async () => {
  const blocked = mount.install('restart/blocked', { source: '/bin/echo', append: 'restart-window' });
  const running = new ExecGuard({ helperPath, marks: 'all', bpfLsm: false, statsIntervalMs: 0, reportIntervalMs: 0 });
  guard = running;
  await running.applyPolicy(appsSection.parse({ rules: [{ id: 'no-blocked', action: 'block', kind: 'sha256', value: sha256File(blocked) }] }), 'enforce');
  await running.start();
  const windows: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const down = nextEvent<ExecGuardDown>((listener) => {
      running.on('down', listener);
      return () => running.off('down', listener);
    });
    const restarted = nextEvent<ExecGuardRestart>((listener) => {
      running.on('restarted', listener);
      return () => running.off('restarted', listener);
    });
    // A hung helper: the watchdog kills it and starts the next one at once (no backoff).
    process.kill(running.status().helperPid ?? 0, 'SIGSTOP');
    await down;
    const goneAt = performance.now();
    await restarted;
    windows.push(Math.round(performance.now() - goneAt));
    expect((await runAsNobody([blocked, MARKER])).denied).toBe(true);
  }
  console.log(`restart window (the agent sees the helper exit → the new helper confirms its marks), ms: ${windows.join(', ')}`);
  expect(running.status()).toMatchObject({ running: true, restarts: 5 });
});
