import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { ensureHelperBuilt } from './testing/helper-binary';
import { WatchdogBackstop } from './watchdog-backstop';

/**
 * The backstop process on its own (no fanotify marks needed): a real dlp-exec-guard that never
 * writes a heartbeat (its offline --decide mode, waiting on stdin) stands for a hung helper.
 */
let helperPath: string;
const children: ChildProcess[] = [];
const backstops: WatchdogBackstop[] = [];

beforeAll(() => {
  helperPath = ensureHelperBuilt();
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(backstops.splice(0).map((b) => b.close()));
});

function start(file: string, args: string[]): { child: ChildProcess; exit: Promise<unknown[]> } {
  const child = spawn(file, args, { stdio: ['pipe', 'ignore', 'ignore'] });
  children.push(child);
  return { child, exit: once(child, 'exit') };
}

function newBackstop(): WatchdogBackstop {
  const backstop = new WatchdogBackstop(helperPath, 20);
  backstops.push(backstop);
  return backstop;
}

describe('WatchdogBackstop', () => {
  it('kills a helper of this process whose heartbeat stopped, and counts it', async () => {
    const backstop = newBackstop();
    const hung = start(helperPath, ['--decide']);
    backstop.watch(hung.child.pid ?? 0, 100);
    expect(await hung.exit).toEqual([null, 'SIGKILL']);
    expect(backstop.kills).toBe(1);
  });

  it('never kills a process that is not a dlp-exec-guard child of this process (a reused pid)', async () => {
    const backstop = newBackstop();
    const stranger = start('/bin/sleep', ['30']);
    backstop.watch(stranger.child.pid ?? 0, 30);
    // Room for some ten rounds of the backstop with a stale heartbeat (it checks every 20 ms).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stranger.child.exitCode).toBeNull();
    expect(stranger.child.signalCode).toBeNull();
    expect(backstop.kills).toBe(0);
    // The same backstop still kills a real hung helper: it was looking all along.
    const hung = start(helperPath, ['--decide']);
    backstop.watch(hung.child.pid ?? 0, 30);
    expect(await hung.exit).toEqual([null, 'SIGKILL']);
    expect(backstop.kills).toBe(1);
  });

  it('leaves a helper alone once it is unwatched', async () => {
    const backstop = newBackstop();
    const helper = start(helperPath, ['--decide']);
    backstop.watch(helper.child.pid ?? 0, 30);
    backstop.unwatch();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(helper.child.exitCode).toBeNull();
    expect(helper.child.signalCode).toBeNull();
    expect(backstop.kills).toBe(0);
  });
});
