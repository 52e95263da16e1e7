/* eslint-disable no-restricted-imports -- Node-side test harness: it spawns the console, it never ships in the browser bundle. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** A console server running as a child process from the built bundle. */
export interface RunningConsole {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  /** stderr lines so far (JSON logs), for failure messages. */
  logs(): string;
  /** The first admin's password the console printed once on stdout (only when none was given). */
  announcedAdminPassword(): string | null;
  stop(): Promise<void>;
}

export interface ConsoleProcessOptions {
  repoRoot: string;
  dataDir: string;
  /** Omitted: the console makes one up, prints it once, and demands a change at first sign-in. */
  adminPassword?: string;
  localEnrollSecret: string;
  startTimeoutMs?: number;
}

const LISTENING = /^DLP_CONSOLE_LISTENING url=(http:\/\/\S+)\s*$/m;
const FIRST_ADMIN = /^First admin: admin \/ (\S+)/m;

/** Starts `node dist/console/server.js --port 0` and resolves once it prints its listening line. */
export function startConsole(options: ConsoleProcessOptions): Promise<RunningConsole> {
  const child = spawn(
    process.execPath,
    [
      path.join(options.repoRoot, 'dist/console/server.js'),
      '--port',
      '0',
      '--data-dir',
      options.dataDir,
      '--web-dir',
      path.join(options.repoRoot, 'dist/console/web'),
    ],
    {
      cwd: options.repoRoot,
      env: consoleEnv(options),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));

  return new Promise<RunningConsole>((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${reason}\nstdout:\n${stdout.slice(-2000)}\nstderr:\n${stderr.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail('console did not print DLP_CONSOLE_LISTENING in time'), options.startTimeoutMs ?? 20_000);
    child.once('exit', (code, signal) => fail(`console exited early (code ${String(code)}, signal ${String(signal)})`));
    child.once('error', (error) => fail(`console failed to start: ${error.message}`));
    child.stdout?.on('data', () => {
      const match = LISTENING.exec(stdout);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ url: match[1], logs: () => stderr, announcedAdminPassword: () => FIRST_ADMIN.exec(stdout)?.[1] ?? null, stop: () => stopChild(child) });
    });
  });
}

/** The parent's environment with this console's secrets; no admin password unless one was given. */
function consoleEnv(options: ConsoleProcessOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DLP_LOCAL_ENROLL_SECRET: options.localEnrollSecret };
  if (options.adminPassword === undefined) delete env.DLP_ADMIN_PASSWORD;
  else env.DLP_ADMIN_PASSWORD = options.adminPassword;
  return env;
}

/** SIGTERM, then SIGKILL if the console has not exited within 10 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
