import type { AgentConfig, CapabilityReport } from '@dlp/shared';
import type { Logger } from '../logger';
import type { AppControl, AppControlSink, AppPolicy, PreExecSupport } from './app-control';

export interface AppControlSelectorOptions {
  /** `config.appControl.method`. */
  method: AgentConfig['appControl']['method'];
  /** `config.appControl.fanotifyMarks`. */
  marks: AgentConfig['appControl']['fanotifyMarks'];
  /** What the platform offers (Platform.preExec); undefined where the OS has no pre-exec blocking. */
  preExec: PreExecSupport | undefined;
  /** The /proc scanner, built when it is needed. */
  createFallback(): AppControl;
  /** The low-rate /proc second line run beside pre-exec blocking; none: no second line. */
  createSecondLine?(): AppControl;
  /** Its period, for the capability note. */
  secondLineIntervalMs?: number;
  sink: AppControlSink;
  log: Logger;
}

const NOT_RUNNING: CapabilityReport['apps'] = { method: 'none', preExec: false, failMode: 'open' };

/** Capability notes are at most 200 characters. */
function note(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 199)}…`;
}

/**
 * The app control the service runs: pre-exec blocking when the configuration asks for it (or
 * leaves it to `auto`) and the host can do it, otherwise the /proc scanner. It also switches to the
 * scanner at run time when the pre-exec control gives up (its helper keeps dying), and says so in
 * the capability notes and in an event: enforcing less beats enforcing nothing, and claiming more
 * than we enforce is never acceptable (handbook principle 6).
 */
export class AppControlSelector implements AppControl {
  private active: AppControl | null = null;
  /** Runs only while pre-exec blocking is the active control (the fallback scanner covers the rest). */
  private secondLine: AppControl | null = null;
  private policy: AppPolicy | null = null;
  private fallbackNote: string | null = null;
  private switching: Promise<void> | null = null;
  private stopping = false;

  constructor(private readonly options: AppControlSelectorOptions) {}

  async start(): Promise<void> {
    if (this.active) return;
    const { method, preExec } = this.options;
    if (method !== 'proc-scan') {
      const unavailable = await this.startPreExec(preExec);
      if (unavailable === null) return;
      this.explainFallback(unavailable);
    }
    await this.startFallback();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.switching;
    await this.secondLine?.stop();
    await this.active?.stop();
  }

  applyPolicy(policy: AppPolicy | null): void | Promise<void> {
    this.policy = policy;
    void this.secondLine?.applyPolicy(policy);
    return this.active?.applyPolicy(policy);
  }

  capabilities(): CapabilityReport['apps'] {
    return this.active?.capabilities() ?? NOT_RUNNING;
  }

  capabilityNotes(): string[] {
    const secondLine = this.secondLine ? [`apps: second line: /proc scan every ${this.options.secondLineIntervalMs ?? 0} ms kills blocked content that got past pre-exec blocking (bypass events)`] : [];
    return [...(this.fallbackNote ? [this.fallbackNote] : []), ...secondLine, ...(this.active?.capabilityNotes?.() ?? [])];
  }

  /** Starts pre-exec blocking; resolves with null when it runs, else with why it does not. */
  private async startPreExec(preExec: PreExecSupport | undefined): Promise<{ reason: string; unexpected: boolean } | null> {
    if (!preExec) return { reason: 'this operating system adapter has no pre-exec blocking', unexpected: false };
    const availability = await preExec.probe();
    if (!availability.available) return { reason: availability.reason, unexpected: false };
    const control: AppControl = preExec.createControl({
      marks: this.options.marks,
      sink: this.options.sink,
      log: this.options.log,
      gaveUp: (reason) => this.giveUp(control, reason),
    });
    void control.applyPolicy(this.policy);
    try {
      await control.start();
    } catch (error) {
      await control.stop().catch(() => undefined);
      return { reason: `${preExec.method} failed to start: ${error instanceof Error ? error.message : String(error)}`, unexpected: true };
    }
    this.active = control;
    await this.startSecondLine();
    this.options.log.info('pre-exec blocking in force', { method: preExec.method, marks: this.options.marks === 'all' ? 'all' : this.options.marks.join(' ') });
    return null;
  }

  private async startSecondLine(): Promise<void> {
    const secondLine = this.options.createSecondLine?.();
    if (!secondLine) return;
    void secondLine.applyPolicy(this.policy);
    this.secondLine = secondLine;
    await secondLine.start();
  }

  private explainFallback({ reason, unexpected }: { reason: string; unexpected: boolean }): void {
    const { method, log, sink } = this.options;
    if (method === 'fanotify' || unexpected) {
      // Configured or expected to work and does not: an admin must hear of it.
      log.error('pre-exec blocking is unavailable; the /proc scanner runs instead', { configured: method, reason });
      this.fallbackNote = note(`apps: pre-exec blocking ${method === 'fanotify' ? 'was configured but ' : ''}is unavailable (${reason}); the /proc scanner runs instead`);
      sink.notice?.({ severity: 'high', message: `pre-exec blocking is unavailable (${reason}); the /proc scanner runs instead`, details: { configured: method } });
    } else if (this.options.preExec) {
      log.warn('pre-exec blocking is unavailable on this host; the /proc scanner runs instead', { reason });
      this.fallbackNote = note(`apps: pre-exec blocking is unavailable here (${reason})`);
    } else {
      log.info('no pre-exec blocking on this OS; the /proc scanner runs');
    }
  }

  private async startFallback(): Promise<void> {
    const fallback = this.options.createFallback();
    void fallback.applyPolicy(this.policy);
    this.active = fallback;
    await fallback.start();
  }

  /** The pre-exec control stopped working for good: the scanner takes over, first, so no gap opens. */
  private giveUp(control: AppControl, reason: string): void {
    if (this.stopping || this.switching || this.active !== control) return;
    const { log, sink } = this.options;
    this.switching = (async () => {
      log.error('pre-exec blocking gave up; switching to the /proc scanner', { reason });
      this.fallbackNote = note(`apps: pre-exec blocking stopped (${reason}); the /proc scanner took over`);
      await this.startFallback();
      // The fallback scanner now does the second line's job at its full rate.
      await this.secondLine?.stop().catch(() => undefined);
      this.secondLine = null;
      await control.stop().catch((error: unknown) => log.warn('stopping the pre-exec control failed', { error: error instanceof Error ? error.message : String(error) }));
      sink.notice?.({ severity: 'high', message: `pre-exec blocking stopped: ${reason}. The /proc scanner took over: blocked programs are now killed after they start` });
      sink.capabilitiesChanged?.();
    })()
      .catch((error: unknown) => log.error('switching to the /proc scanner failed', { error: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        this.switching = null;
      });
  }
}
