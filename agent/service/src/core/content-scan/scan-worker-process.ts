/**
 * The agent's side of a scan worker: starts the child (as root: it drops to the user itself, see
 * privilege-drop.ts), hands it the job, validates every line it writes, and ends it when the scan
 * is cancelled or when it stays silent past the per-file time limit (a hung filesystem).
 */
import { spawn } from 'node:child_process';
import { describeIssues } from '@dlp/shared';
import { SCAN_WORKER_COMMAND, WORKER_MAX_LINE_BYTES, workerLine, type ScanJob, type WorkerLine } from './scan-worker-protocol';

/** How to start a worker: the agent's own bundle with the hidden argument, unless a test says otherwise. */
export interface ScanWorkerCommand {
  file: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/** The running bundle (`node service.js`) again, as a worker with a bounded heap. */
export function defaultScanWorkerCommand(heapMiB: number): ScanWorkerCommand {
  return { file: process.execPath, args: [`--max-old-space-size=${heapMiB}`, process.argv[1] ?? '', SCAN_WORKER_COMMAND] };
}

export interface WorkerRun {
  line(line: WorkerLine): void;
  /** Aborting kills the worker (the client went away, the agent stops). */
  signal: AbortSignal;
  /** Longest silence before the worker is taken for stuck. */
  stallMs: number;
}

export type WorkerEnd = { kind: 'finished' } | { kind: 'cancelled' } | { kind: 'failed'; message: string };

const STDERR_KEPT = 2000;

export function runScanWorkerProcess(command: ScanWorkerCommand, job: ScanJob, run: WorkerRun): Promise<WorkerEnd> {
  return new Promise((resolve) => {
    // A minimal environment: nothing of the agent's reaches a process that runs as the user.
    const env: NodeJS.ProcessEnv = { LANG: 'C.UTF-8', ...(process.env.NODE_PATH ? { NODE_PATH: process.env.NODE_PATH } : {}), ...command.env };
    const child = spawn(command.file, command.args, { cwd: '/', env, stdio: ['pipe', 'pipe', 'pipe'] });
    let finalLine = false;
    let failure: string | null = null;
    let cancelled = false;
    let stderr = '';
    let buffered = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = (): void => void child.kill('SIGKILL');
    const watch = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        failure ??= `the scan stopped making progress for ${Math.round(run.stallMs / 1000)} s (a file system that does not answer?)`;
        kill();
      }, run.stallMs);
    };
    const onAbort = (): void => {
      cancelled = true;
      kill();
    };
    if (run.signal.aborted) onAbort();
    run.signal.addEventListener('abort', onAbort, { once: true });
    watch();

    const take = (text: string): void => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      const parsed = workerLine.safeParse(value);
      if (!parsed.success) {
        failure ??= `the scan worker wrote an invalid line: ${value === undefined ? 'not JSON' : describeIssues(parsed.error)}`;
        kill();
        return;
      }
      if (parsed.data.kind === 'done' || parsed.data.kind === 'refused' || parsed.data.kind === 'failed') finalLine = true;
      if (parsed.data.kind === 'failed') failure ??= parsed.data.message;
      run.line(parsed.data);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      watch();
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0 && !cancelled) {
        const text = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (text.trim() !== '') take(text);
      }
      if (buffered.length > WORKER_MAX_LINE_BYTES) {
        failure ??= 'the scan worker wrote an oversized line';
        buffered = '';
        kill();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < STDERR_KEPT) stderr += chunk.slice(0, STDERR_KEPT - stderr.length);
    });
    // The worker may be gone before it read its job: that is reported by 'close', not thrown here.
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${JSON.stringify(job)}\n`);
    child.on('error', (err) => (failure ??= `cannot start the scan worker: ${err.message}`));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      run.signal.removeEventListener('abort', onAbort);
      if (cancelled) return resolve({ kind: 'cancelled' });
      if (failure !== null) return resolve({ kind: 'failed', message: failure });
      if (finalLine && code === 0) return resolve({ kind: 'finished' });
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      resolve({ kind: 'failed', message: `the scan worker ended (${why})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' ').slice(0, 500)}` : ''}` });
    });
  });
}
