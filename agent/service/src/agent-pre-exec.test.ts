import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { agentConfig, type AgentEvent } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { startAgent, type RunningAgent } from './agent';
import { silentLogger } from './core/logger';
import { signException } from './platform/fake/usb/fake-usb-host';
import { fanotifyPreExec, type FanotifyPreExecOptions } from './platform/linux/fanotify/fanotify-pre-exec';
import { ensureHelperBuilt } from './platform/linux/fanotify/testing/helper-binary';
import { mountTmpfs, sha256File, type TmpfsMount } from './platform/linux/fanotify/testing/kernel-fixtures';
import { createLinuxPlatform } from './platform/linux/linux-platform';
import { fakeDpkgHost } from './platform/linux/testing/fake-dpkg-host';
import type { Platform } from './platform/types';
import { makeTempDir, signedPolicyFor, waitFor } from './testing/fixtures';
import { TestConsole } from './testing/test-console';

/**
 * The agent service with pre-exec blocking against the real kernel: the real native helper marks
 * only a tmpfs mounted for this file, programs copied onto it are started for real (as `nobody`,
 * so the user name comes from the passwd lookup), and what the console receives is checked.
 */
const key = generateSigningKeyPair();
const NOBODY = { uid: 65534, gid: 65534 };

let helperPath: string;
let mount: TmpfsMount;

beforeAll(() => {
  helperPath = ensureHelperBuilt();
  mount = mountTmpfs('agent-pre-exec', 384);
  // mkdtemp makes the folder above the mount 0700: let `nobody` reach the programs.
  chmodSync(path.dirname(mount.mountPoint), 0o755);
});
afterAll(() => mount.cleanup());

interface SpawnOutcome {
  error: string | null;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Starts a program as `nobody` and reports how that went: refused by the kernel, or how it ended. */
function runAsNobody(file: string, args: string[]): Promise<SpawnOutcome> {
  const refused = (error: NodeJS.ErrnoException): SpawnOutcome => ({ error: error.code ?? error.message, code: null, signal: null });
  return new Promise((resolve) => {
    try {
      const child = spawn(file, args, { ...NOBODY, stdio: 'ignore' });
      child.once('error', (error: NodeJS.ErrnoException) => resolve(refused(error)));
      child.once('exit', (code, signal) => resolve({ error: null, code, signal }));
    } catch (error) {
      // Node throws EPERM and EACCES from spawn() itself rather than emitting them.
      resolve(refused(error as NodeJS.ErrnoException));
    }
  });
}

/** The pid of the helper this process runs, if any (a direct child dlp-exec-guard that is not the backstop). */
function helperPid(): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (comm !== 'dlp-exec-guard' || Number(fields[1]) !== process.pid || fields[0] === 'Z') continue;
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes('--backstop')) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

describe('agent service with pre-exec blocking (real kernel, tmpfs marks only)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let console_: TestConsole;
  let agent: RunningAgent | null = null;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('pre-exec'));
    console_ = await TestConsole.start({ key });
  });
  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await console_.stop();
    await cleanup();
  });

  async function start(tuning: Pick<FanotifyPreExecOptions, 'giveUpAfter' | 'helperPath'> = {}, waitForConsole = true, hostRoot?: string): Promise<RunningAgent> {
    // The real Linux adapter (real /proc, an empty sysfs so USB is off) with the helper built here.
    const linux = createLinuxPlatform({ roots: { proc: '/proc', sys: path.join(dir, 'sys'), etc: '/etc' } });
    const platform: Platform = {
      ...linux,
      preExec: fanotifyPreExec({ agentPid: process.pid, processes: linux.processes, helperPath, guard: { reportIntervalMs: 0, statsIntervalMs: 100, restartBackoffMs: { initial: 20, max: 200 } }, ...tuning }),
    };
    const config = agentConfig.parse({
      consoleUrl: console_.url,
      enrollSecret: console_.enrollSecret,
      dataDir: path.join(dir, 'data'),
      scanIntervalMs: 50,
      appControl: { method: 'fanotify', fanotifyMarks: [mount.mountPoint] },
      ...(hostRoot ? { hostRoots: { root: hostRoot } } : {}),
    });
    const running = await startAgent(config, { platform, log: silentLogger, linkTimings: { backoffBaseMs: 20, backoffCapMs: 200 } });
    agent = running;
    if (waitForConsole) await waitFor(() => running.linkState() === 'ready', 'the agent to be welcomed');
    return running;
  }

  async function publish(serial: number, document: Parameters<typeof signedPolicyFor>[2]): Promise<void> {
    console_.pushPolicy(signedPolicyFor(key, serial, document));
    await waitFor(() => console_.receipts.some((r) => r.serial === serial && r.status === 'applied'), `policy ${serial} to be applied`);
  }

  const eventsAtConsole = () => [...console_.events.values()];
  const eventWhere = (what: string, match: (event: AgentEvent) => boolean) => waitFor(() => eventsAtConsole().find(match), what);

  it('refuses a capture tool before it starts, names the user, and lets an excepted copy run (reported as allowed)', async () => {
    const running = await start();
    const flameshot = mount.install(`capture-${randomBytes(3).toString('hex')}/flameshot`, { source: '/bin/sleep', append: randomBytes(16) });
    const sha256 = sha256File(flameshot);
    await publish(3, { mode: 'enforce', screen: { blockCaptureTools: true } });
    expect(running.capabilities().apps).toMatchObject({ method: 'fanotify', preExec: true, failMode: 'open', helper: { running: true, restarts: 0 } });

    const refused = await runAsNobody(flameshot, ['5']);
    expect(['EPERM', 'EACCES']).toContain(refused.error);
    const blocked = await eventWhere('the screen-capture event', (e) => e.type === 'screen-capture' && e.action === 'blocked');
    expect(blocked).toMatchObject({
      ruleId: 'screen:flameshot',
      policySerial: 3,
      user: 'nobody',
      subject: { kind: 'process', exePath: flameshot, name: 'flameshot', sha256, uid: NOBODY.uid, method: 'fanotify' },
    });

    const exception = signException(key, { agentId: running.agentId() ?? '', expiresAt: new Date(Date.now() + 600_000).toISOString(), target: { kind: 'app', sha256 } });
    console_.pushException(exception);
    await waitFor(() => console_.exceptionReceipts.some((r) => r.status === 'applied'), 'the exception receipt');
    // The receipt says the exception is stored; the helper swaps its rules a moment later.
    const ran = await waitFor(async () => {
      const outcome = await runAsNobody(flameshot, ['0.1']);
      return outcome.error === null ? outcome : undefined;
    }, 'the excepted copy to be let through');
    expect(ran).toEqual({ error: null, code: 0, signal: null });
    const allowed = await eventWhere('the allowed-by-exception event', (e) => e.type === 'screen-capture' && e.action === 'allowed');
    expect(allowed).toMatchObject({ ruleId: 'screen:flameshot', user: 'nobody', subject: { exePath: flameshot, sha256, exceptionId: exception.exception.id, method: 'fanotify' } });
    expect(eventsAtConsole().filter((e) => e.type === 'app')).toEqual([]);
  });

  it('refuses a renamed copy of an installed capture tool before it starts, by the content its package installed', async () => {
    // The host's package database says flameshot installed /usr/bin/flameshot; the employee runs a copy under another name.
    const hostRoot = path.join(dir, 'host');
    fakeDpkgHost(hostRoot, { flameshot: { '/usr/bin/flameshot': '/bin/sleep' } });
    const copy = mount.install(`capture-${randomBytes(3).toString('hex')}/quarterly-notes`, { source: path.join(hostRoot, 'usr/bin/flameshot') });
    const sha256 = sha256File(copy);
    await start({}, true, hostRoot);
    await publish(4, { mode: 'enforce', screen: { blockCaptureTools: true } });

    const refused = await runAsNobody(copy, ['5']);
    expect(['EPERM', 'EACCES']).toContain(refused.error);
    const blocked = await eventWhere('the screen-capture event', (e) => e.type === 'screen-capture' && e.action === 'blocked');
    expect(blocked).toMatchObject({ ruleId: 'screen:flameshot', user: 'nobody', subject: { kind: 'process', exePath: copy, name: 'quarterly-notes', sha256, method: 'fanotify' } });
  });

  it('enforces the stored policy from the first exec after a restart, with the console gone', async () => {
    const first = await start();
    const tool = mount.install(`boot-${randomBytes(3).toString('hex')}/boot-tool`, { source: '/bin/sleep' });
    await publish(6, { mode: 'enforce', apps: { rules: [{ id: 'no-boot-tool', action: 'block', kind: 'name', value: 'boot-tool' }] } });
    await first.stop();
    await console_.stop();

    const second = await start({}, false);
    expect(['EPERM', 'EACCES']).toContain((await runAsNobody(tool, ['5'])).error);
    expect(second.linkState()).not.toBe('ready');
    expect(second.capabilities().apps).toMatchObject({ method: 'fanotify', preExec: true });
  });

  it('tells the console when a blocked script was refused to its interpreter, and which interpreter it was', async () => {
    await start();
    const script = path.join(mount.mountPoint, `report-${randomBytes(3).toString('hex')}.py`);
    writeFileSync(script, `print("PY-SCRIPT-RAN-${randomBytes(4).toString('hex')}")\n`, { mode: 0o644 });
    const sha256 = sha256File(script);
    await publish(7, { mode: 'enforce', apps: { rules: [{ id: 'no-report-script', action: 'block', kind: 'sha256', value: sha256 }] } });

    // python cannot open its script: it says so and exits non-zero (no exec was refused, an open was).
    expect(await runAsNobody('/usr/bin/python3', [script])).toMatchObject({ error: null, code: 2 });
    // Only nobody's attempt: in a full run another test's /proc scanner (root) may read the script too.
    const event = await eventWhere('the script event', (e) => e.subject.kind === 'process' && e.subject.exePath === script && e.subject.uid === NOBODY.uid);
    expect(event).toMatchObject({
      type: 'app',
      action: 'blocked',
      ruleId: 'no-report-script',
      policySerial: 7,
      user: 'nobody',
      subject: { kind: 'process', name: path.basename(script), sha256, method: 'fanotify', via: 'script', interpreter: expect.stringMatching(/^\/usr\/bin\/python3\.\d+$/) },
    });
  });

  it('reports an exec the fail mode refused, because no decision came in time, as a high-severity app event', async () => {
    // A large file is no reason for the fail mode (the exec waits while its hash makes progress);
    // a read that stalls is. The helper's test-only --hash-stall-test-ms (reachable only through the
    // helper path the platform is built with, never from a policy) makes every hash read nothing for
    // 3 s, past the helper's 2 s stall limit: a hung file system under a program nobody starts.
    const stallingHelper = path.join(dir, 'stalling-helper');
    writeFileSync(stallingHelper, `#!/bin/sh\nexec '${helperPath}' --hash-stall-test-ms 3000 "$@"\n`, { mode: 0o755 });
    const running = await start({ helperPath: stallingHelper });
    const tool = mount.install(`stalled-${randomBytes(3).toString('hex')}/report-tool`, { source: '/bin/true', append: randomBytes(16) });
    // The only rule names other content: nothing but the fail mode (closed) can refuse this program.
    await publish(4, { mode: 'enforce', apps: { failMode: 'closed', decisionTimeoutMs: 10, rules: [{ id: 'some-hash', action: 'block', kind: 'sha256', value: 'cd'.repeat(32) }] } });

    expect(['EPERM', 'EACCES']).toContain((await runAsNobody(tool, [])).error);
    const event = await eventWhere('the timeout event', (e) => e.subject.kind === 'process' && e.subject.exePath === tool);
    expect(event).toMatchObject({ type: 'app', action: 'blocked', severity: 'high', ruleId: 'fail-mode:closed', policySerial: 4, user: 'nobody', subject: { method: 'fanotify' } });
    await waitFor(() => (running.capabilities().apps.helper?.timeouts ?? 0) >= 1, 'the timeout to be counted in the capability report');
    expect(running.capabilities().apps.failMode).toBe('closed');
  });

  it('reports each helper restart with the gap, and hands over to the /proc scanner when the helper keeps dying', async () => {
    const running = await start({ giveUpAfter: { downs: 3, windowMs: 60_000 } });
    const tool = mount.install(`dying-${randomBytes(3).toString('hex')}/blocked-tool`, { source: '/bin/sleep' });
    await publish(5, { mode: 'enforce', apps: { rules: [{ id: 'no-blocked-tool', action: 'block', kind: 'name', value: 'blocked-tool' }] } });

    let pid = await waitFor(helperPid, 'the helper');
    process.kill(pid, 'SIGKILL');
    const restart = await eventWhere('the restart event', (e) => e.type === 'agent' && e.subject.kind === 'agent' && e.subject.message.startsWith('exec guard restarted'));
    expect(restart).toMatchObject({ action: 'info', severity: 'high', subject: { message: expect.stringMatching(/^exec guard restarted after it exited unexpectedly; programs on watched mounts started unchecked for \d+ ms$/), details: { restarts: 1 } } });
    await waitFor(() => running.capabilities().apps.helper?.running && running.capabilities().apps.helper?.restarts === 1, 'the restarted helper in the capability report');
    expect(['EPERM', 'EACCES']).toContain((await runAsNobody(tool, ['5'])).error);

    for (let down = 2; down <= 3; down++) {
      const previous = pid;
      pid = await waitFor(() => (running.capabilities().apps.method === 'fanotify' && helperPid() !== previous ? helperPid() : null), `helper number ${down}`);
      process.kill(pid, 'SIGKILL');
    }
    await waitFor(() => running.capabilities().apps.method === 'proc-scan', 'the switch to the /proc scanner');
    expect(running.capabilities().notes).toContainEqual(expect.stringMatching(/^apps: pre-exec blocking stopped \(its helper went down 3 times within 60 s/));
    await waitFor(() => console_.capabilityReports.some((r) => r.apps.method === 'proc-scan'), 'the console to be told');
    await eventWhere('the fallback event', (e) => e.subject.kind === 'agent' && e.subject.message.startsWith('pre-exec blocking stopped'));
    await waitFor(() => helperPid() === null, 'the helper to be gone for good');

    // Enforcement goes on, after the fact: the scanner kills the program once it runs.
    expect(await runAsNobody(tool, ['30'])).toEqual({ error: null, code: null, signal: 'SIGKILL' });
    await eventWhere('the scanner event', (e) => e.subject.kind === 'process' && e.subject.method === 'proc-scan' && e.subject.exePath === tool);
  });
});
