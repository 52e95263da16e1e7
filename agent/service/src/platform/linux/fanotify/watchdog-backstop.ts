import { Worker } from 'node:worker_threads';

/**
 * A second watchdog on its own thread. The agent's main thread can itself be stuck behind the
 * helper: Node's spawn() waits for the child's execve, and that execve waits for the helper's
 * answer. If the helper hangs then, the main-thread watchdog never runs. This worker kills the
 * helper when the main thread has seen no PONG for `limitMs`, which releases the exec and, with
 * it, the main thread.
 *
 * Shared state (BigInt64Array over a SharedArrayBuffer): [pid, lastAliveNs, limitNs, kills].
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const state = new BigInt64Array(workerData.buffer);
const checkNs = BigInt(workerData.checkMs) * 1000000n;
let lastTick = process.hrtime.bigint();
setInterval(() => {
  const now = process.hrtime.bigint();
  const late = now - lastTick > checkNs + Atomics.load(state, 2) / 2n;
  lastTick = now;
  // This thread was late too, so the whole process was paused (SIGSTOP, suspend): nobody could
  // have heard a PONG. Start the clock again instead of blaming the helper.
  if (late) Atomics.store(state, 1, now);
  const pid = Atomics.load(state, 0);
  if (late || pid <= 0n) return;
  const idle = now - Atomics.load(state, 1);
  if (idle <= Atomics.load(state, 2)) return;
  if (Atomics.compareExchange(state, 0, pid, 0n) !== pid) return;
  try {
    process.kill(Number(pid), 'SIGKILL');
    Atomics.add(state, 3, 1n);
  } catch {}
}, workerData.checkMs);
`;

const PID = 0;
const LAST_ALIVE = 1;
const LIMIT = 2;
const KILLS = 3;

export class WatchdogBackstop {
  private readonly state = new BigInt64Array(new SharedArrayBuffer(4 * BigInt64Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker;

  constructor(checkMs: number) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { buffer: this.state.buffer, checkMs } });
    this.worker.unref();
  }

  /** Starts guarding `pid`: it is killed if alive() is not called for `limitMs`. */
  watch(pid: number, limitMs: number): void {
    this.setLimit(limitMs);
    this.alive();
    Atomics.store(this.state, PID, BigInt(pid));
  }

  setLimit(limitMs: number): void {
    Atomics.store(this.state, LIMIT, BigInt(Math.round(limitMs * 1e6)));
  }

  /** The main thread heard from the helper. */
  alive(): void {
    Atomics.store(this.state, LAST_ALIVE, process.hrtime.bigint());
  }

  unwatch(): void {
    Atomics.store(this.state, PID, 0n);
  }

  /** How many helpers this backstop has killed. */
  get kills(): number {
    return Number(Atomics.load(this.state, KILLS));
  }

  async close(): Promise<void> {
    this.unwatch();
    await this.worker.terminate();
  }
}
