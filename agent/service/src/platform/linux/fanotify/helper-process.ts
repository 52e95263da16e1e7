import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { parseHelperLine, type HelperMessage } from './helper-messages';

/** Longest stdout line we buffer; the helper's lines are far shorter (a path is at most 4 KiB). */
const MAX_LINE_CHARS = 256 * 1024;
/** How much of the helper's stderr we keep to explain an exit. */
const STDERR_TAIL_CHARS = 4096;

export interface HelperExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of what the helper wrote on stderr (or the spawn error), to explain the exit. */
  detail: string;
}

interface HelperProcessEvents {
  message: [HelperMessage];
  problem: [string];
  exit: [HelperExit];
}

/**
 * One running dlp-exec-guard process: writes commands to its stdin and turns its stdout into
 * validated messages. Restarting is the owner's job (ExecGuard).
 */
export class HelperProcess extends EventEmitter<HelperProcessEvents> {
  private readonly child: ChildProcessWithoutNullStreams;
  private pendingLine = '';
  private stderrTail = '';
  private exitInfo: HelperExit | null = null;
  /** Set once the process is reaped: its pid may then belong to someone else. */
  private reaped = false;

  /** `inheritFds` become the helper's fds 3, 4, ... */
  constructor(helperPath: string, args: readonly string[], inheritFds: readonly number[] = []) {
    super();
    // stdin, stdout and stderr are pipes, so the streams exist; extra fds only widen spawn's type.
    this.child = spawn(helperPath, [...args], { stdio: ['pipe', 'pipe', 'pipe', ...inheritFds] }) as ChildProcessWithoutNullStreams;
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    // A helper that died leaves a broken pipe; the exit event explains it, so write errors are quiet.
    this.child.stdin.on('error', () => undefined);
    this.child.on('error', (error) => this.finish({ code: null, signal: null, detail: error.message }));
    this.child.on('exit', () => {
      this.reaped = true;
    });
    this.child.on('close', (code, signal) => this.finish({ code, signal, detail: this.stderrTail.trim() }));
  }

  /** The helper's pid, or undefined if it could not be spawned. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): boolean {
    return this.exitInfo !== null;
  }

  /** Writes protocol lines (each ending in "\n"). Ignored once the helper is gone. */
  send(lines: string): void {
    if (this.exitInfo || !this.child.stdin.writable) return;
    this.child.stdin.write(lines);
  }

  /** Closing stdin asks the helper to answer what is pending and exit. */
  closeInput(): void {
    this.child.stdin.end();
  }

  kill(signal: NodeJS.Signals): void {
    if (this.reaped || this.exitInfo || this.child.pid === undefined) return;
    try {
      process.kill(this.child.pid, signal);
    } catch {
      // Already gone: the close event follows.
    }
  }

  /** Resolves once the process has been reaped (at once if it already has). */
  waitForExit(): Promise<HelperExit> {
    if (this.exitInfo) return Promise.resolve(this.exitInfo);
    return new Promise((resolve) => this.once('exit', resolve));
  }

  private onStdout(chunk: string): void {
    this.pendingLine += chunk;
    let newline = this.pendingLine.indexOf('\n');
    while (newline >= 0) {
      const line = this.pendingLine.slice(0, newline);
      this.pendingLine = this.pendingLine.slice(newline + 1);
      if (line.length > 0) {
        const parsed = parseHelperLine(line);
        if ('message' in parsed) this.emit('message', parsed.message);
        else this.emit('problem', parsed.problem);
      }
      newline = this.pendingLine.indexOf('\n');
    }
    if (this.pendingLine.length > MAX_LINE_CHARS) {
      this.pendingLine = '';
      this.emit('problem', 'helper wrote an over-long line; dropped');
    }
  }

  private finish(info: HelperExit): void {
    if (this.exitInfo) return;
    this.exitInfo = info;
    this.emit('exit', info);
  }
}
