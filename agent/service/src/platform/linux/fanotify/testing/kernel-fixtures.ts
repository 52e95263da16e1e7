import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A tmpfs mounted in a fresh temp dir: the only thing kernel tests ever mark. Marking a mount that
 * other people use (let alone /) would make their execs wait on our test helper.
 */
export interface TmpfsMount {
  mountPoint: string;
  /** Copies an executable (default /bin/true) to `relativePath`, optionally with extra bytes appended. */
  /**
   * Copies a program onto the mount. It belongs to an ordinary user (uid 1000) unless `owner` says
   * otherwise, so every exec of it reaches the helper: the helper lets the kernel cache allows of
   * root-owned files only (native/kernel-cache.h), and tests of that pass `owner: 0`.
   */
  install(relativePath: string, options?: { source?: string; append?: Buffer | string; owner?: number }): string;
  cleanup(): void;
}

/** A uid with no special rights (it needs no passwd entry). */
export const ORDINARY_UID = 1000;

export function mountTmpfs(label: string, sizeMb = 512): TmpfsMount {
  const root = mkdtempSync(path.join(os.tmpdir(), `dlp-${label}-`));
  const mountPoint = path.join(root, 'mnt');
  mkdirSync(mountPoint);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, `dlp-${label}`, mountPoint]);
  return {
    mountPoint,
    install(relativePath, options = {}) {
      const target = path.join(mountPoint, relativePath);
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(options.source ?? '/bin/true', target);
      if (options.append !== undefined) appendFileSync(target, options.append);
      chmodSync(target, 0o755);
      const owner = options.owner ?? ORDINARY_UID;
      chownSync(target, owner, owner);
      return target;
    },
    cleanup() {
      try {
        execFileSync('umount', [mountPoint]);
      } catch {
        execFileSync('umount', ['-l', mountPoint]);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** SHA-256 of the file, or of the file with `appended` bytes added (to block content it will have). */
export function sha256File(file: string, appended: Buffer = Buffer.alloc(0)): string {
  return createHash('sha256').update(readFileSync(file)).update(appended).digest('hex');
}

export interface ExecOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** The kernel refused the exec (EPERM from a fanotify FAN_DENY). */
  denied: boolean;
}

/**
 * Execs `file` from a child shell (`exec "$0"`), so this process never blocks in spawn() while the
 * exec waits for a decision. A denied exec makes the shell exit 126 with "Operation not permitted".
 */
export function runExec(file: string, args: string[] = [], timeoutMs = 15_000): Promise<ExecOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', 'exec "$0" "$@"', file, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`exec of ${file} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, denied: code === 126 && /Operation not permitted/.test(stderr) });
    });
  });
}

/** Resolves with the first event for which `accept` is true; rejects after `timeoutMs`. */
export function nextEvent<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  accept: (value: T) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no matching event within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = subscribe((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}

/** Polls `check` until it returns true; rejects after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
