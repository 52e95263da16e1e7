import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const repoRoot = path.resolve(__dirname, '../../../..');

/** A real agent process (`node service.js …`) and what it printed so far. */
export interface AgentProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Bundles agent/service/src/main.ts into `dir` with the settings of `npm run build`; returns the bundle. */
export async function bundleAgent(dir: string): Promise<string> {
  const bundle = path.join(dir, 'service.js');
  await build({ entryPoints: [path.join(__dirname, '../main.ts')], outfile: bundle, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['sqlite3'], logLevel: 'silent' });
  return bundle;
}

/**
 * Runs the bundle. NODE_PATH lets it find the native sqlite3 it leaves external; the helper is the
 * one built from agent/service/native (the bundle lives in a temp folder).
 */
export function runAgentProcess(bundle: string, args: string[], env: NodeJS.ProcessEnv = {}): AgentProcess {
  const fullEnv = { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules'), DLP_EXEC_GUARD_HELPER: path.join(repoRoot, 'agent/service/native/build/dlp-exec-guard'), ...env };
  const child = spawn(process.execPath, [bundle, ...args], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/**
 * A fake host tree (hostname, OS version, users; no processes, no USB) and an agent.json for it:
 * the agent runs as root here, and must neither judge this machine's processes nor touch its
 * devices. App control by the /proc scanner of that empty tree (no fanotify: no kernel lock).
 */
export async function fakeHostAgentConfig(dir: string, console_: { url: string; enrollSecret: string }): Promise<{ configPath: string; dataDir: string }> {
  const roots = { proc: path.join(dir, 'host/proc'), sys: path.join(dir, 'host/sys'), etc: path.join(dir, 'host/etc') };
  await mkdir(path.join(roots.proc, 'sys/kernel'), { recursive: true });
  await mkdir(path.join(roots.proc, 'self'), { recursive: true });
  await mkdir(roots.sys, { recursive: true });
  await mkdir(roots.etc, { recursive: true });
  await writeFile(path.join(roots.proc, 'sys/kernel/hostname'), 'lifecycle-host\n');
  await writeFile(path.join(roots.proc, 'sys/kernel/osrelease'), '6.1.0-fake\n');
  await writeFile(path.join(roots.proc, 'self/mountinfo'), '');
  await writeFile(path.join(roots.etc, 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
  const dataDir = path.join(dir, 'data');
  const configPath = path.join(dir, 'agent.json');
  const config = { consoleUrl: console_.url, enrollSecret: console_.enrollSecret, dataDir, hostRoots: roots, appControl: { method: 'proc-scan' } };
  await writeFile(configPath, JSON.stringify(config));
  return { configPath, dataDir };
}
