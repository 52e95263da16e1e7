import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { nextEvent } from './kernel-fixtures';

/** One JSON line from testing/guard-child.ts. */
export interface ChildMessage {
  event: string;
  [key: string]: unknown;
}

export interface GuardChild {
  process: ChildProcessWithoutNullStreams;
  helperPid: number;
  messages: ChildMessage[];
  /** How the child ended (signal or exit code, and the tail of its stderr); null while it runs. */
  ended: string | null;
  send(command: object): void;
  next(event: string, timeoutMs?: number): Promise<ChildMessage>;
  /** Signals the child; throws, saying how it ended, if it is no longer there. */
  signal(signal: NodeJS.Signals): void;
  kill(): void;
}

/** Bundles guard-child.ts (and ExecGuard with it) into one plain script in `outDir`. */
export function bundleGuardChild(outDir: string): string {
  const outfile = path.join(outDir, 'guard-child.js');
  buildSync({
    entryPoints: [path.join(__dirname, 'guard-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'silent',
  });
  return outfile;
}

/**
 * Starts the guard child as the real agent runs: a service of its own, in its own session and
 * process group (`detached`), not in the test runner's. The tests stop it for real (SIGSTOP), and a
 * stopped member of the runner's group gets whatever is sent to that group (a harness signalling
 * its group; the kernel's SIGHUP + SIGCONT when a group with stopped members is orphaned), which
 * Node does not survive. It still ends with this process: it exits when its stdin (our pipe)
 * closes. `ended` records how it ended, so a child that vanished is reported with its cause.
 */
export async function startGuardChild(script: string, config: object): Promise<GuardChild> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, DLP_GUARD_CHILD_CONFIG: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  const messages: ChildMessage[] = [];
  const listeners = new Set<(message: ChildMessage) => void>();
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const message = JSON.parse(pending.slice(0, newline)) as ChildMessage;
      pending = pending.slice(newline + 1);
      messages.push(message);
      for (const listener of listeners) listener(message);
      newline = pending.indexOf('\n');
    }
  });
  const handle: GuardChild = {
    process: child,
    helperPid: 0,
    messages,
    ended: null,
    send: (command) => child.stdin.write(`${JSON.stringify(command)}\n`),
    signal: (signal) => {
      const gone = () => new Error(`the guard child is gone (${handle.ended ?? 'reaped'}), cannot send ${signal}`);
      if (handle.ended !== null || child.pid === undefined) throw gone();
      try {
        process.kill(child.pid, signal);
      } catch {
        throw gone();
      }
    },
    next: (event, timeoutMs = 15_000) =>
      nextEvent<ChildMessage>(
        (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        (message) => message.event === event || message.event === 'fatal',
        timeoutMs,
      ),
    kill: () => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    },
  };
  child.on('exit', (code, signal) => {
    handle.ended = `${signal ?? `exit code ${code}`}${stderr.trim() ? `; stderr: ${stderr.trim()}` : ''}`;
  });
  const ready = await handle.next('ready');
  if (ready.event !== 'ready' || typeof ready.helperPid !== 'number') {
    handle.kill();
    throw new Error(`guard child failed: ${JSON.stringify(ready)}`);
  }
  handle.helperPid = ready.helperPid;
  return handle;
}
