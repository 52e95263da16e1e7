import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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

/**
 * The helper reuses a file's digest only once the file had been still for DIGEST_SETTLE_NS (3 s,
 * native/decision-cache.h) before its hash: a rewrite inside one timestamp step keeps its ctime.
 * Tests that count hashes of a cached file wait this long after writing it.
 */
export const HELPER_DIGEST_SETTLE_MS = 3000;

/** Resolves once `file` last changed more than HELPER_DIGEST_SETTLE_MS ago (by its ctime). */
export async function waitUntilSettled(file: string): Promise<void> {
  const changedMs = Number(statSync(file, { bigint: true }).ctimeNs / 1_000_000n);
  const wait = changedMs + HELPER_DIGEST_SETTLE_MS + 100 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
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

/** `nobody`: tests of what an ordinary employee can try run as this uid/gid for real. */
export const NOBODY = { uid: 65534, gid: 65534 };

/**
 * Runs `command` as `nobody` (no shell in between) and collects its stdout and stderr. `denied`
 * means some exec in it was refused by the kernel (exit 126 with "Operation not permitted", as
 * sh, unshare and setpriv report it).
 */
export function runAsNobody(command: string[], options: { timeoutMs?: number; cwd?: string; stdin?: string } = {}): Promise<ExecOutcome & { stdout: string }> {
  const [file, ...args] = command;
  if (!file) throw new Error('runAsNobody needs a command');
  const refused = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EPERM' || code === 'EACCES' ? { code: null, signal: null, stdout: '', stderr: `spawn ${code}`, denied: true } : null;
  };
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof spawn>;
    try {
      // Node throws the kernel's EPERM/EACCES of a direct exec from spawn() itself.
      child = spawn(file, args, { ...NOBODY, cwd: options.cwd ?? '/', stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (error) {
      const outcome = refused(error);
      if (outcome) resolve(outcome);
      else reject(error as Error);
      return;
    }
    if (!child.stdout || !child.stderr || !child.stdin) throw new Error('spawned without pipes');
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.stdin.on('error', () => undefined); // EPIPE: the program exited (or never ran) before reading stdin
    child.stdin.end(options.stdin ?? '');
    const timeoutMs = options.timeoutMs ?? 15_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      const outcome = refused(error);
      if (outcome) resolve(outcome);
      else reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, denied: /Operation not permitted|Permission denied/.test(stderr) && code !== 0 });
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
