import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AgentConfigInput } from '@dlp/shared';

/** Repository root; tests run the bundles `npm run build` put in dist/. */
export const repoRoot = path.resolve(__dirname, '../../..');

export interface RunningProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
  /** Everything the process wrote to stderr so far (JSON log lines). */
  stderr(): string;
  /** Resolves when a stdout line matches; rejects on exit or after timeoutMs. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL after a grace period; resolves on exit. */
  stop(): Promise<void>;
}

/** Spawns `node <bundle> ...args` from dist/ with captured output. */
export function runBundle(bundle: string, args: string[], env: Record<string, string> = {}): RunningProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', path.join(repoRoot, 'dist', bundle), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = once(child, 'exit');
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForLine(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const m = pattern.exec(out);
          if (m) {
            cleanup();
            resolve(m);
          }
          return Boolean(m);
        };
        const onExit = (): void => {
          cleanup();
          reject(new Error(`${bundle} exited before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err.slice(-4000)}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${bundle} did not print ${pattern} within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err.slice(-4000)}`));
        }, timeoutMs);
        const onData = (): void => void check();
        function cleanup(): void {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          child.off('exit', onExit);
        }
        if (check()) return;
        child.stdout?.on('data', onData);
        child.once('exit', onExit);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export interface ConsoleProcess extends RunningProcess {
  url: string;
  port: number;
}

/** Starts the real console from dist/ on a free port with a known admin password. */
export async function startConsole(opts: { dataDir: string; port?: number; adminPassword: string; enrollSecret?: string; args?: readonly string[] }): Promise<ConsoleProcess> {
  const env: Record<string, string> = { DLP_ADMIN_PASSWORD: opts.adminPassword };
  if (opts.enrollSecret) env.DLP_LOCAL_ENROLL_SECRET = opts.enrollSecret;
  const proc = runBundle('console/server.js', ['--data-dir', opts.dataDir, '--port', String(opts.port ?? 0), '--host', '127.0.0.1', ...(opts.args ?? [])], env);
  const match = await proc.waitForLine(/DLP_CONSOLE_LISTENING url=(http:\/\/127\.0\.0\.1:(\d+))/);
  return Object.assign(proc, { url: match[1] ?? '', port: Number(match[2]) });
}

/** Writes an agent config file beside its data dir and starts the real agent from dist/. */
export async function startAgent(config: AgentConfigInput): Promise<RunningProcess> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const configPath = `${config.dataDir}.json`;
  writeFileSync(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  const proc = runBundle('agent/service.js', ['--config', configPath]);
  await proc.waitForLine(/DLP_AGENT_READY/);
  return proc;
}
