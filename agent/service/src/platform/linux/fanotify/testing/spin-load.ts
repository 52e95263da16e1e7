import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NOBODY } from './kernel-fixtures';

/** Longest a spin loop can outlive its test (SIGKILL by `timeout`), should the test process die hard. */
const SPIN_LIFETIME_S = 120;

/** CPU hogs run as `nobody`: what an ordinary employee can start to starve the agent's helper. */
export interface SpinLoad {
  /**
   * Lets every loop start at once, and resolves when the kernel counts that many runnable tasks
   * (/proc/loadavg) or after `timeoutMs`, with how long that took and how many it last saw.
   */
  release(timeoutMs?: number): Promise<{ rampMs: number; runnable: number }>;
  /** Kills every loop (SIGKILL to each one's own process group); safe to call again. */
  stop(): void;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Not (yet) a group leader, or gone already: the pid itself, if it is still there.
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

function runnableTasks(): number {
  return Number(/ (\d+)\//.exec(readFileSync('/proc/loadavg', 'utf8'))?.[1] ?? 0);
}

/**
 * Starts `count` loops `sh -c 'while :; do :; done'` as nobody (after `pin`, e.g. `taskset -c 1`,
 * if given), each under `timeout -s KILL`,
 * which puts itself and its loop in a process group of their own: the loops are killed by those
 * group ids, never by name. They stay in this process's session, hence in its scheduler autogroup:
 * the worst case, where nothing (no autogroup, no cpu cgroup) shares CPU out between the
 * employee's processes and the agent's.
 *
 * Each loop first takes a shared flock (`flock -s GATE true`) on a gate file in `dir` (which nobody
 * must be able to reach) that an `flock -x` child of ours holds, so spawning them does not compete
 * with their load. release() ends that child: every loop wakes at once and runs `flock` and `true`
 * to their end before it spins, a burst of process starts and exits on top of the spinning ones.
 * That burst matters: the helper as it was before this test (decision thread at nice -10, its
 * stats waiting for the mount scanner's lock) was replaced under it at 500 loops on every CPU, and
 * not under 500 or 1000 loops that only spun (SIGSTOP/SIGCONT-gated).
 */
export async function startSpinLoad(count: number, dir: string, pin: readonly string[] = []): Promise<SpinLoad> {
  const gate = path.join(dir, 'spin-gate');
  writeFileSync(gate, '', { mode: 0o644 });
  const holder = spawn('flock', ['--exclusive', gate, 'sh', '-c', 'echo held; exec cat'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const [held] = (await once(holder.stdout, 'data')) as [Buffer];
  if (held.toString() !== 'held\n') throw new Error('the spin gate was not taken');
  const groups: number[] = [];
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const pid of groups) killGroup(pid);
    holder.kill('SIGKILL');
  };
  process.once('exit', stop); // also when the test process exits without its afterEach
  try {
    for (let i = 0; i < count; i += 1) {
      const [command = 'timeout', ...args] = [...pin, 'timeout', '-s', 'KILL', String(SPIN_LIFETIME_S), 'sh', '-c', 'flock --shared "$0" true; while :; do :; done', gate];
      const loop = spawn(command, args, { ...NOBODY, cwd: '/', stdio: 'ignore' });
      if (loop.pid === undefined) throw new Error(`spin loop ${i} did not start`);
      loop.unref();
      groups.push(loop.pid);
    }
  } catch (error) {
    stop();
    throw error;
  }
  return {
    async release(timeoutMs = 10_000) {
      const started = Date.now();
      holder.stdin.end();
      let runnable = 0;
      while (Date.now() - started < timeoutMs && (runnable = runnableTasks()) < count) await new Promise((resolve) => setTimeout(resolve, 50));
      return { rampMs: Date.now() - started, runnable };
    },
    stop() {
      process.off('exit', stop);
      stop();
    },
  };
}
