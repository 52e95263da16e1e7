import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Offsets of the little-endian 64-bit words in the state file (native/backstop.h). */
const HEARTBEAT = 0;
const PID = 8;
const LIMIT = 16;
const KILLS = 24;
const STATE_BYTES = 32;

/**
 * A second watchdog, in a process of its own (`dlp-exec-guard --backstop`). The agent's main
 * thread can itself be stuck behind the helper: Node's spawn() waits for the child's execve, and
 * that execve waits for the helper's answer. If the helper hangs then, the main-thread watchdog
 * (HelperWatchdog) never runs.
 *
 * So the backstop relies on nothing in the agent: the helper's decision loop writes a heartbeat
 * (CLOCK_MONOTONIC ns) into a state file both inherit as an fd, and the backstop kills the helper
 * when the heartbeat is older than the limit. That releases the waiting exec and, with it, the main
 * thread. A busy or blocked main thread never gets a healthy helper killed, since the helper's own
 * loop is what is measured. (It used to be a worker thread; a second JavaScript isolate cost the
 * agent ~6 MB of memory for this loop.)
 *
 * The state file (unlinked at once, so only these processes can reach it) holds the heartbeat, the
 * pid to watch and the limit (written here) and the kill count (written by the backstop).
 */
export class WatchdogBackstop {
  /** The state file; the helper gets it as its heartbeat fd. */
  readonly heartbeatFd: number;
  private process: ChildProcess | null = null;
  private closed = false;

  constructor(
    private readonly helperPath: string,
    private readonly checkMs: number,
    private readonly onProblem: (problem: string) => void = () => undefined,
  ) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlp-exec-guard-'));
    try {
      this.heartbeatFd = openSync(path.join(dir, 'heartbeat'), 'w+', 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    writeSync(this.heartbeatFd, Buffer.alloc(STATE_BYTES), 0, STATE_BYTES, 0);
  }

  /** Starts guarding `pid`, which gets `limitMs` from now to write its first heartbeat. */
  watch(pid: number, limitMs: number): void {
    this.ensureRunning();
    this.setLimit(limitMs);
    this.write(HEARTBEAT, process.hrtime.bigint());
    this.write(PID, BigInt(pid));
  }

  setLimit(limitMs: number): void {
    this.write(LIMIT, BigInt(Math.round(limitMs * 1e6)));
  }

  unwatch(): void {
    if (!this.closed) this.write(PID, 0n);
  }

  /** The helper's last heartbeat (hrtime ns), for the main thread's own watchdog; null if unreadable. */
  readHeartbeatNs(): bigint | null {
    return this.read(HEARTBEAT);
  }

  /** How many helpers the backstop has killed. */
  get kills(): number {
    return Number(this.read(KILLS) ?? 0n);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.unwatch();
    this.closed = true;
    const backstop = this.process;
    this.process = null;
    if (backstop && backstop.exitCode === null && backstop.signalCode === null) {
      const exited = new Promise((resolve) => backstop.once('exit', resolve));
      backstop.kill('SIGKILL');
      await exited;
    }
    closeSync(this.heartbeatFd);
  }

  /** (Re)starts the backstop process: at the first watch, and if it ever died. */
  private ensureRunning(): void {
    if (this.closed || (this.process && this.process.exitCode === null && this.process.signalCode === null)) return;
    const backstop = spawn(this.helperPath, ['--backstop', '--state-fd', '3', '--check-ms', String(this.checkMs)], {
      stdio: ['ignore', 'ignore', 'pipe', this.heartbeatFd],
    });
    let stderr = '';
    backstop.stderr?.setEncoding('utf8');
    backstop.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-1000)));
    backstop.on('error', (error) => this.onProblem(`backstop: cannot start: ${error.message}`));
    backstop.on('exit', (code, signal) => {
      if (!this.closed) this.onProblem(`backstop exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}; restarted at the next helper start`);
    });
    // It must not keep the agent alive; it dies with the agent (PR_SET_PDEATHSIG).
    backstop.unref();
    this.process = backstop;
  }

  private write(offset: number, value: bigint): void {
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64LE(value);
    writeSync(this.heartbeatFd, bytes, 0, 8, offset);
  }

  private read(offset: number): bigint | null {
    if (this.closed) return null;
    const bytes = Buffer.alloc(8);
    try {
      return readSync(this.heartbeatFd, bytes, 0, 8, offset) === 8 ? bytes.readBigUInt64LE(0) : null;
    } catch {
      return null;
    }
  }
}
