import type { AppsSection, CapabilityReport, PolicyMode } from '@dlp/shared';
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
 * an exception (`allowed`, with `exceptionId`).
 */
export interface AppDecisionReport {
  action: 'blocked' | 'would-block' | 'allowed';
  /** The rule that blocked (or, for `allowed`, would have blocked); null for the default. */
  ruleId: string | null;
  exceptionId?: string;
  policySerial: number | null;
  method: 'fanotify' | 'proc-scan';
  process: {
    pid: number;
    ppid?: number;
    uid?: number;
    exePath: string;
    name: string;
    sha256?: string;
  };
}

/** How an app control talks back to the service. */
export interface AppControlSink {
  /** Called for each block, would-block and allowed-by-exception; the service makes it an outbox event. */
  report(decision: AppDecisionReport): void;
  /** Called when `capabilities()` changed (e.g. a pre-exec helper died and a fallback took over). */
  capabilitiesChanged?(): void;
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
   * processes are judged again under the new rules.
   */
  applyPolicy(policy: AppPolicy | null): void;
  /** What this control really enforces, for the capability report (handbook principle 6). */
  capabilities(): CapabilityReport['apps'];
}
