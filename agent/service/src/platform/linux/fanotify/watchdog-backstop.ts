import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * A second watchdog on its own thread. The agent's main thread can itself be stuck behind the
 * helper: Node's spawn() waits for the child's execve, and that execve waits for the helper's
 * answer. If the helper hangs then, the main-thread watchdog (PING/PONG) never runs.
 *
 * So this thread does not rely on the main thread at all: the helper's decision loop writes a
 * heartbeat (CLOCK_MONOTONIC ns, 8 bytes little-endian) into a file it inherits as an fd, and this
 * thread kills the helper when the heartbeat is older than `limitMs`. That releases the waiting
 * exec and, with it, the main thread. A busy or blocked main thread never gets a healthy helper
 * killed, since the helper's own loop is what is measured.
 *
 * Shared state (BigInt64Array over a SharedArrayBuffer): [pid, limitNs, kills].
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { readSync } = require('node:fs');
const state = new BigInt64Array(workerData.buffer);
const checkNs = BigInt(workerData.checkMs) * 1000000n;
const beat = Buffer.alloc(8);
let lastTick = process.hrtime.bigint();
setInterval(() => {
  const now = process.hrtime.bigint();
  // This thread was late itself, so the whole machine or process was paused (suspend, SIGSTOP):
  // give the helper a moment to write a fresh heartbeat before judging it.
  const late = now - lastTick > checkNs + Atomics.load(state, 1) / 2n;
  lastTick = now;
  const pid = Atomics.load(state, 0);
  if (late || pid <= 0n) return;
  try {
    if (readSync(workerData.heartbeatFd, beat, 0, 8, 0) !== 8) return;
  } catch {
    return;
  }
  if (now - beat.readBigUInt64LE(0) <= Atomics.load(state, 1)) return;
  if (Atomics.compareExchange(state, 0, pid, 0n) !== pid) return;
  try {
    process.kill(Number(pid), 'SIGKILL');
    Atomics.add(state, 2, 1n);
  } catch {}
}, workerData.checkMs);
`;

const PID = 0;
const LIMIT = 1;
const KILLS = 2;

export class WatchdogBackstop {
  private readonly state = new BigInt64Array(new SharedArrayBuffer(3 * BigInt64Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker;
  /** The heartbeat file, already unlinked: only the helper (as an inherited fd) and we can reach it. */
  readonly heartbeatFd: number;

  constructor(checkMs: number) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlp-exec-guard-'));
    try {
      this.heartbeatFd = openSync(path.join(dir, 'heartbeat'), 'w+', 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { buffer: this.state.buffer, checkMs, heartbeatFd: this.heartbeatFd } });
    this.worker.unref();
  }

  /** Starts guarding `pid`, which gets `limitMs` from now to write its first heartbeat. */
  watch(pid: number, limitMs: number): void {
    this.setLimit(limitMs);
    const now = Buffer.alloc(8);
    now.writeBigUInt64LE(process.hrtime.bigint());
    writeSync(this.heartbeatFd, now, 0, 8, 0);
    Atomics.store(this.state, PID, BigInt(pid));
  }

  setLimit(limitMs: number): void {
    Atomics.store(this.state, LIMIT, BigInt(Math.round(limitMs * 1e6)));
  }

  unwatch(): void {
    Atomics.store(this.state, PID, 0n);
  }

  /** How many helpers this backstop has killed. */
  get kills(): number {
    return Number(Atomics.load(this.state, KILLS));
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unwatch();
    await this.worker.terminate();
    closeSync(this.heartbeatFd);
  }
}
