import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Copies a system binary under a unique name: a "test program" whose sha256 a policy can block. */
export function copyProgram(dir: string, source = '/bin/sleep', prefix = 'dlp-e2e-tool'): { path: string; name: string; sha256: string } {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  const target = path.join(dir, name);
  copyFileSync(source, target);
  chmodSync(target, 0o755);
  return { path: target, name, sha256: createHash('sha256').update(readFileSync(target)).digest('hex') };
}

export interface ProgramRun {
  pid: number;
  /** Resolves with how the program ended. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a program (no shell) and reports how it ended. */
export function startProgram(file: string, args: string[] = ['30']): ProgramRun {
  const child = spawn(file, args, { stdio: 'ignore' });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { pid: child.pid ?? -1, exit };
}
