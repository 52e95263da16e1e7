/**
 * The clock the tray's logic runs on. Injected so the notifier's rate window, the watermark's
 * 60-second report and the session's reconnect backoff are tested on a manual clock, not by waiting.
 */
export interface Timers {
  now(): number;
  /** Runs `callback` once after `ms`; the returned function cancels it. */
  after(ms: number, callback: () => void): () => void;
  /** Runs `callback` every `ms`; the returned function stops it. */
  every(ms: number, callback: () => void): () => void;
}

/** The real clock. */
export const systemTimers: Timers = {
  now: () => Date.now(),
  after(ms, callback) {
    const handle = setTimeout(callback, ms);
    return () => clearTimeout(handle);
  },
  every(ms, callback) {
    const handle = setInterval(callback, ms);
    return () => clearInterval(handle);
  },
};
