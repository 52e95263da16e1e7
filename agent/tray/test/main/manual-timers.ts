import type { Timers } from '../../src/main/timers';

interface Pending {
  at: number;
  every: number | null;
  callback: () => void;
  cancelled: boolean;
}

/** A clock that moves only when the test says so; due callbacks run in time order. */
export class ManualTimers implements Timers {
  private time = 1_000_000;
  private pending: Pending[] = [];

  now(): number {
    return this.time;
  }

  after(ms: number, callback: () => void): () => void {
    return this.add({ at: this.time + ms, every: null, callback, cancelled: false });
  }

  every(ms: number, callback: () => void): () => void {
    return this.add({ at: this.time + ms, every: ms, callback, cancelled: false });
  }

  /** Moves the clock forward by `ms`, running everything that falls due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.pending.filter((p) => !p.cancelled && p.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.time = next.at;
      if (next.every === null) next.cancelled = true;
      else next.at += next.every;
      next.callback();
    }
    this.time = end;
    this.pending = this.pending.filter((p) => !p.cancelled);
  }

  /** Timers still waiting to run. */
  scheduled(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }

  private add(entry: Pending): () => void {
    this.pending.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }
}
