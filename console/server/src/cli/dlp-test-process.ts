import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const repoRoot = path.resolve(__dirname, '../../../..');

export interface DlpResult { code: number | null; stdout: string; stderr: string }

/**
 * Bundles `dlp` as scripts/build.mjs does, into `dir` (so a test needs no prior build), and returns
 * a function that runs it as a child process with exactly the given environment (plus PATH and
 * NODE_PATH to this checkout's modules).
 */
export async function bundleDlp(dir: string): Promise<(env: NodeJS.ProcessEnv, ...args: string[]) => Promise<DlpResult>> {
  const bundle = path.join(dir, 'dlp.js');
  await build({ entryPoints: [path.join(__dirname, 'dlp.ts')], outfile: bundle, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['sqlite3', 'better-sqlite3', 'pg', 'bufferutil', 'pg-native'], logLevel: 'warning' });
  // Shipped beside the bundle, as scripts/build.mjs and the console package do.
  await copyFile(path.join(__dirname, '../auth/common-passwords.txt'), path.join(dir, 'common-passwords.txt'));
  return async (env, ...args) => {
    const child = spawn(process.execPath, [bundle, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(repoRoot, 'node_modules'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, stdout, stderr };
  };
}
