import { execFile } from 'node:child_process';
import type { CapabilityReport } from '@dlp/shared';
import type { Logger } from '../../enforce/logger';
import { locateExecGuardHelper } from './fanotify/helper-location';

/** Longest one notification may take (the helper sends one datagram and exits). */
const SEND_TIMEOUT_MS = 5000;

/** What systemd gives a `Type=notify` service in its environment (sd_notify(3), sd_watchdog_enabled(3)). */
export interface SystemdNotifyEnv {
  /** $NOTIFY_SOCKET: a socket path, or `@name` for an abstract socket. */
  socket: string;
  /** Half of $WATCHDOG_USEC (systemd's advice), or null when no watchdog is asked of this process. */
  watchdogIntervalMs: number | null;
}

/**
 * Reads the notification variables and removes them from `env`, as sd_notify's `unset_environment`
 * does: the agent's other children (the exec guard, mount, perl) must not speak for the service.
 * Null when not started by systemd as `Type=notify`.
 */
export function takeSystemdNotifyEnv(env: NodeJS.ProcessEnv, pid: number): SystemdNotifyEnv | null {
  const socket = env.NOTIFY_SOCKET;
  const usec = Number(env.WATCHDOG_USEC);
  const watchdogPid = env.WATCHDOG_PID;
  delete env.NOTIFY_SOCKET;
  delete env.WATCHDOG_USEC;
  delete env.WATCHDOG_PID;
  if (!socket) return null;
  // The watchdog is for the process named in WATCHDOG_PID when set (systemd sets the main pid).
  const forUs = watchdogPid === undefined || Number(watchdogPid) === pid;
  const watchdogIntervalMs = forUs && Number.isSafeInteger(usec) && usec > 0 ? Math.max(1, Math.floor(usec / 2000)) : null;
  return { socket, watchdogIntervalMs };
}

/**
 * Why the agent should not tell systemd it is alive, or null when it should. The event loop runs
 * (the caller's timer fired); enforcement is wedged when pre-exec blocking is the method in force
 * and its helper is not running. A helper restart takes at most ~10 s (ExecGuard's backoff) and a
 * helper that keeps dying hands over to the /proc scanner, so this stays true only when stuck.
 */
export function enforcementWedged(report: CapabilityReport): string | null {
  if (report.apps.method === 'fanotify' && report.apps.helper && !report.apps.helper.running) return 'the pre-exec helper is not running';
  return null;
}

/**
 * The agent's side of systemd's notification protocol: READY=1 once enforcement runs, WATCHDOG=1
 * every half WatchdogSec while healthy, STOPPING=1 at stop. Node has no Unix datagram sockets, so
 * each message is sent by `dlp-exec-guard --sd-notify` (on behalf of the agent's pid; the unit has
 * `NotifyAccess=all` in case the helper may not name it). No shell: execFile with an argument list.
 */
export class SystemdNotifier {
  private watchdogTimer: NodeJS.Timeout | null = null;
  /** Consecutive watchdog ticks that found enforcement wedged. */
  private wedgedTicks = 0;

  constructor(
    private readonly env: SystemdNotifyEnv,
    private readonly log: Logger,
    private readonly helperPath: string = locateExecGuardHelper(),
  ) {}

  /** From the process environment (which it cleans); null when not run by systemd as `Type=notify`. */
  static fromEnv(env: NodeJS.ProcessEnv, log: Logger, pid: number = process.pid): SystemdNotifier | null {
    const taken = takeSystemdNotifyEnv(env, pid);
    return taken ? new SystemdNotifier(taken, log) : null;
  }

  /** Sends one state (e.g. `READY=1`); rejects with the helper's reason when it could not. */
  send(state: string): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile(this.helperPath, ['--sd-notify', state], { env: { NOTIFY_SOCKET: this.env.socket }, timeout: SEND_TIMEOUT_MS }, (error, stdout) => {
        if (!error) return resolve();
        const reason = /"message":"([^"]*)"/.exec(String(stdout))?.[1] ?? error.message;
        reject(new Error(`sd_notify ${state}: ${reason}`));
      });
    });
  }

  /**
   * Enforcement runs: tells systemd the start is done and starts the watchdog pings. A ping is left
   * out when `wedged()` gave a reason at this tick and the one before (half a WatchdogSec apart), so
   * a helper restart (seconds) never costs a restart of the agent; one wedged for good does.
   */
  ready(wedged: () => string | null): void {
    void this.sendLogged('READY=1');
    const intervalMs = this.env.watchdogIntervalMs;
    if (intervalMs === null || this.watchdogTimer) return;
    this.watchdogTimer = setInterval(() => {
      const reason = wedged();
      this.wedgedTicks = reason ? this.wedgedTicks + 1 : 0;
      // No ping: once that lasts WatchdogSec, systemd kills and restarts the agent.
      if (reason && this.wedgedTicks >= 2) this.log.error('not telling the systemd watchdog the agent is alive', { reason });
      else void this.sendLogged('WATCHDOG=1');
    }, intervalMs);
    this.watchdogTimer.unref();
  }

  /** The agent is stopping: no more watchdog pings, and systemd knows the stop is on purpose. */
  stopping(): Promise<void> {
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    this.watchdogTimer = null;
    return this.sendLogged('STOPPING=1');
  }

  private sendLogged(state: string): Promise<void> {
    return this.send(state).catch((err: unknown) => this.log.error('cannot notify systemd', { error: err instanceof Error ? err.message : String(err) }));
  }
}
