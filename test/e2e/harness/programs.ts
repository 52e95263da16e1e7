import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface TestProgram {
  path: string;
  name: string;
  sha256: string;
}

/**
 * Copies a system binary under a unique name with random bytes appended: the ELF still runs, and its
 * sha256 is one no other process on the host has, so blocking it cannot hurt anything else.
 */
export function copyProgram(dir: string, source = '/bin/sleep', prefix = 'dlp-e2e-tool'): TestProgram {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  const target = path.join(dir, name);
  copyFileSync(source, target);
  appendFileSync(target, randomBytes(32));
  chmodSync(target, 0o755);
  return { path: target, name, sha256: createHash('sha256').update(readFileSync(target)).digest('hex') };
}

/** A byte-identical copy of a program under another name (a renamed tool keeps its sha256). */
export function renameCopy(program: TestProgram, dir: string, name: string): TestProgram {
  const target = path.join(dir, name);
  copyFileSync(program.path, target);
  chmodSync(target, 0o755);
  return { ...program, path: target, name };
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
