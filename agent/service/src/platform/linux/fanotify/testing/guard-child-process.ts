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
  send(command: object): void;
  next(event: string, timeoutMs?: number): Promise<ChildMessage>;
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

export async function startGuardChild(script: string, config: object): Promise<GuardChild> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, DLP_GUARD_CHILD_CONFIG: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
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
    send: (command) => child.stdin.write(`${JSON.stringify(command)}\n`),
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
  const ready = await handle.next('ready');
  if (ready.event !== 'ready' || typeof ready.helperPid !== 'number') {
    handle.kill();
    throw new Error(`guard child failed: ${JSON.stringify(ready)}`);
  }
  handle.helperPid = ready.helperPid;
  return handle;
}
