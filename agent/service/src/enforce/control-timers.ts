/**
 * The timers of a control that runs between start() and stop(): none fires once the control has
 * stopped, none keeps the process alive (unref), and clear() drops every one still armed.
 */
export class ControlTimers {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly running: () => boolean) {}

  /** `fn` every `intervalMs`, the next run armed only once this one settled (never two at once). */
  every(intervalMs: number, fn: () => Promise<void>): void {
    const tick = (): void => {
      if (!this.running()) return;
      void fn().finally(() => this.after(intervalMs, tick));
    };
    this.after(intervalMs, tick);
  }

  /** `fn` once, after `delayMs`, if the control still runs. */
  after(delayMs: number, fn: () => void): void {
    if (!this.running()) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
