import { spawn } from 'node:child_process';
import { chmodSync } from 'node:fs';
import type { StoredEvent } from '@dlp/shared';
import { blockBySha256, Fleet, waitFor } from './harness/fleet';
import { copyProgram, renameCopy, type TestProgram } from './harness/programs';
import { mountTmpfs } from './harness/tmpfs';

// Pre-exec blocking from a workstation to the console: the real agent (as root) runs the real
// native helper with fanotify marks on ONE tmpfs this test mounts in its own temp dir, programs on
// it are started for real as `nobody`, and what officers see is read back through the REST API.

const NOBODY = { uid: 65534, gid: 65534 };

interface Started {
  /** The kernel refused the exec (the program never ran): EPERM or EACCES. */
  refused: string | null;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
}

/** Starts `file` as `nobody` (no shell) and says whether the exec was refused or how it ended. */
function start(file: string, args: string[]): Promise<Started> {
  return new Promise((resolve) => {
    try {
      const child = spawn(file, args, { ...NOBODY, stdio: 'ignore' });
      child.once('error', (error: NodeJS.ErrnoException) => resolve({ refused: error.code ?? error.message, exit: null }));
      child.once('exit', (code, signal) => resolve({ refused: null, exit: { code, signal } }));
    } catch (error) {
      // Node throws EPERM and EACCES from spawn() itself.
      resolve({ refused: (error as NodeJS.ErrnoException).code ?? String(error), exit: null });
    }
  });
}

const refusedByKernel = (started: Started) => started.refused === 'EPERM' || started.refused === 'EACCES';

describe('end to end: pre-exec blocking (fanotify) stops a program before it runs', () => {
  let unmount: (() => void) | null = null;
  // The tmpfs is the programs folder; it must be mounted before the agent starts and places its marks.
  const fleet = new Fleet({ appControl: (f) => ({ method: 'fanotify', fanotifyMarks: [f.programsDir] }) });
  let tool: TestProgram;

  const processEvent = (events: StoredEvent[], program: { path: string }) => events.find((e) => e.subject.kind === 'process' && e.subject.exePath === program.path);

  beforeAll(async () => {
    unmount = mountTmpfs(fleet.programsDir);
    // `nobody` must reach the programs: the temp dir above them is 0700 by birth.
    chmodSync(fleet.root, 0o755);
    await fleet.start();
    tool = copyProgram(fleet.programsDir);
  }, 60_000);

  afterAll(async () => {
    try {
      // The agent first: its helper's marks go with it, then the mount can go.
      await fleet.agent?.stop();
    } finally {
      unmount?.();
      await fleet.stop();
    }
  });

  it('shows pre-exec blocking in the capability report the console serves', async () => {
    const agent = await fleet.waitForAgent('the fanotify capability report', (a) => a.capabilities?.apps.method === 'fanotify');
    expect(agent.capabilities?.apps).toMatchObject({ method: 'fanotify', preExec: true, failMode: 'open', helper: { running: true, restarts: 0 } });
  });

  it('lets the program run in monitor mode and reports would-block', async () => {
    await fleet.publishDefault(blockBySha256(tool.sha256, 'monitor'));
    expect(await start(tool.path, ['0.1'])).toEqual({ refused: null, exit: { code: 0, signal: null } });
    const event = await waitFor('the would-block event', async () => processEvent(await fleet.events(`agentId=${fleet.agentId}&action=would-block`), tool));
    expect(event).toMatchObject({ type: 'app', ruleId: 'block-e2e-tool', user: 'nobody', subject: { sha256: tool.sha256, method: 'fanotify' } });
  });

  it('refuses the exec in enforce mode, and the console returns a blocked event naming rule, sha256, pid, uid and user', async () => {
    await fleet.publishDefault(blockBySha256(tool.sha256));
    expect(refusedByKernel(await start(tool.path, ['30']))).toBe(true);
    const event = await waitFor('the blocked event', async () => processEvent(await fleet.events('action=blocked'), tool));
    expect(event).toMatchObject({
      agentId: fleet.agentId,
      type: 'app',
      action: 'blocked',
      ruleId: 'block-e2e-tool',
      user: 'nobody',
      subject: { kind: 'process', exePath: tool.path, name: tool.name, sha256: tool.sha256, uid: NOBODY.uid, method: 'fanotify' },
    });
    expect(event.subject.kind === 'process' && event.subject.pid).toBeGreaterThan(0);
  });

  it('refuses a renamed copy too, because the rule matches content', async () => {
    const renamed = renameCopy(tool, fleet.programsDir, 'totally-harmless-notes');
    expect(refusedByKernel(await start(renamed.path, ['30']))).toBe(true);
    const event = await waitFor('the blocked event for the renamed copy', async () => processEvent(await fleet.events('action=blocked'), renamed));
    expect(event.subject).toMatchObject({ name: 'totally-harmless-notes', sha256: tool.sha256, method: 'fanotify' });
  });

  it('lets an unrelated program on the same mount run', async () => {
    const other = copyProgram(fleet.programsDir, '/bin/sleep', 'dlp-e2e-allowed');
    expect(await start(other.path, ['0.1'])).toEqual({ refused: null, exit: { code: 0, signal: null } });
  });

  it('keeps deciding while the agent process is stopped: the helper answers on its own', async () => {
    const other = copyProgram(fleet.programsDir, '/bin/sleep', 'dlp-e2e-while-stopped');
    const blockedCopy = renameCopy(tool, fleet.programsDir, 'blocked-while-agent-stopped');
    const agentPid = fleet.agent.child.pid ?? 0;
    process.kill(agentPid, 'SIGSTOP');
    try {
      expect(refusedByKernel(await start(blockedCopy.path, ['30']))).toBe(true);
      expect(await start(other.path, ['0.1'])).toEqual({ refused: null, exit: { code: 0, signal: null } });
    } finally {
      process.kill(agentPid, 'SIGCONT');
    }
    // Nothing is lost: the helper's report waited in the pipe and reaches the console now.
    const event = await waitFor('the event for the exec refused while the agent was stopped', async () => processEvent(await fleet.events('action=blocked'), blockedCopy));
    expect(event).toMatchObject({ ruleId: 'block-e2e-tool', subject: { method: 'fanotify' } });
  });
});
