import type { AppsSection, CapabilityReport, PolicyMode } from '@dlp/shared';
import type { Logger } from '../logger';
import type { AppException } from './app-matcher';

/**
 * What an app control needs from a policy: the signed serial, the mode, the `apps` section it
 * enforces (the service has already put the screen-capture catalogue's rules in it) and the
 * exceptions in force.
 */
export interface AppPolicy {
  serial: number;
  mode: PolicyMode;
  apps: AppsSection;
  /**
   * Executables (by sha256) that signed exceptions let run although the rules block them. A
   * control that cannot honour them must treat them as allow rules checked before the others.
   */
  exceptions?: readonly AppException[];
}

/**
 * A process the control blocked (enforce), would have blocked (monitor), or let run only because of
 * an exception (`allowed`, with `exceptionId`). With `timedOut`, no decision came in time and the
 * policy's fail mode answered: `blocked` (fail closed), `allowed` (fail open) or, in monitor mode
 * with fail closed, `would-block`.
 */
export interface AppDecisionReport {
  action: 'blocked' | 'would-block' | 'allowed';
  /**
   * The rule that blocked (or, for `allowed`, would have blocked); null for the default. For a
   * timeout, `fail-mode:open` or `fail-mode:closed`, so the reason shows wherever rule ids do.
   */
  ruleId: string | null;
  exceptionId?: string;
  /** No decision within the policy's decision timeout: the fail mode decided. */
  timedOut?: boolean;
  /** Found running by the /proc second line although pre-exec blocking is in force: a bypass. */
  secondLine?: boolean;
  policySerial: number | null;
  method: 'fanotify' | 'bpf-lsm' | 'proc-scan';
  process: {
    pid: number;
    ppid?: number;
    uid?: number;
    exePath: string;
    name: string;
    sha256?: string;
    /** Identical decisions folded into this one by rate limiting. */
    suppressed?: number;
    /** Not an exec: the dynamic loader (`loader`) or an interpreter (`script`) opened the file. */
    via?: 'loader' | 'script' | 'mapped';
    /** With `via`: the loader's or interpreter's real path. */
    interpreter?: string;
  };
}

/** Something about the control itself an officer should see (a helper restart, a fallback). */
export interface AppControlNotice {
  severity: 'medium' | 'high';
  message: string;
  details?: Record<string, string | number | boolean>;
}

/** How an app control talks back to the service. */
export interface AppControlSink {
  /** Called for each block, would-block and allowed-by-exception; the service makes it an outbox event. */
  report(decision: AppDecisionReport): void;
  /** Called when `capabilities()` changed (e.g. a pre-exec helper died and a fallback took over). */
  capabilitiesChanged?(): void;
  /** Called for events about the control itself; the service makes them `agent` events. */
  notice?(notice: AppControlNotice): void;
}

/**
 * An application control. The /proc scanner (ProcScanAppControl) is the portable fallback; a
 * pre-exec implementation (fanotify helper) implements the same interface and may delegate to the
 * scanner when its helper is unavailable.
 */
export interface AppControl {
  /** Starts enforcing; resolves once processes already running have been judged once. */
  start(): Promise<void>;
  /** Stops and waits for decisions in progress to finish. */
  stop(): Promise<void>;
  /**
   * Swaps in a newly accepted policy. Null means "no policy yet": monitor mode, no rules. Running
   * processes are judged again under the new rules. A control whose rules live elsewhere (a
   * pre-exec helper) returns a promise that settles once they are in force there, so the service
   * acknowledges a policy only when it is enforced; it never rejects.
   */
  applyPolicy(policy: AppPolicy | null): void | Promise<void>;
  /** What this control really enforces, for the capability report (handbook principle 6). */
  capabilities(): CapabilityReport['apps'];
  /** What the flags cannot say (e.g. why pre-exec blocking is not in force), one short line each. */
  capabilityNotes?(): string[];
}

/** Whether a pre-exec control can work on this host now; when not, why (for logs and capability notes). */
export type PreExecAvailability = { available: true } | { available: false; reason: string };

/** What a pre-exec control is built with. */
export interface PreExecControlOptions {
  /** Where execs are watched: every mount, or only these mount points. */
  marks: 'all' | readonly string[];
  sink: AppControlSink;
  log: Logger;
  /**
   * Called once when the control stopped working for good (e.g. its helper keeps dying), so the
   * owner can put the /proc scanner in its place.
   */
  gaveUp(reason: string): void;
}

/**
 * Pre-exec application control where the OS offers it (Linux: fanotify through the native helper):
 * the platform adapter provides it (Platform.preExec), the service decides whether to use it.
 */
export interface PreExecSupport {
  /** How it blocks, for logs and notes. */
  readonly method: 'fanotify';
  probe(): Promise<PreExecAvailability>;
  createControl(options: PreExecControlOptions): AppControl;
}
