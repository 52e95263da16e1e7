import { isCaptureToolRule, withCaptureToolRules, type AgentConfig, type AppRule, type CapabilityReport } from '@dlp/shared';
import type { AppControl, AppControlNotice, AppControlSink, AppDecisionReport, AppPolicy } from '../../enforce/apps/app-control';
import { AppControlSelector } from '../../enforce/apps/app-control-selector';
import { ProcScanAppControl } from '../../enforce/apps/proc-scan-app-control';
import type { HostRuleSources } from '../../platform/linux/host-rule-sources';
import type { Platform } from '../../platform/types';
import type { EventInput } from '../event-factory';
import type { Logger } from '../logger';
import type { VerifiedPolicy } from '../policy-store';
import { NO_EXCEPTIONS, type ActiveExceptions, type AgentControl, type EventSink } from './agent-control';

/** What an app control implementation gets to build itself. */
export interface AppControlContext {
  platform: Platform;
  config: AgentConfig;
  sink: AppControlSink;
  log: Logger;
}

/** Builds the app control (default: defaultAppControl). */
export type AppControlFactory = (ctx: AppControlContext) => AppControl;

/** The portable app control: the /proc scanner. */
export function procScanAppControl(ctx: AppControlContext): AppControl {
  return new ProcScanAppControl({
    processes: ctx.platform.processes,
    self: ctx.platform.self,
    scanIntervalMs: ctx.config.scanIntervalMs,
    sink: ctx.sink,
    log: ctx.log,
  });
}

/** The /proc scanner as the low-rate second line behind pre-exec blocking (kills and reports bypasses). */
export function secondLineAppControl(ctx: AppControlContext): AppControl {
  return new ProcScanAppControl({
    processes: ctx.platform.processes,
    self: ctx.platform.self,
    scanIntervalMs: ctx.config.secondLineIntervalMs,
    sink: ctx.sink,
    log: ctx.log.child({ component: 'second-line' }),
    secondLine: true,
  });
}

/**
 * The app control `config.appControl` asks for: pre-exec blocking where the platform offers it
 * (Linux: fanotify) unless the method is `proc-scan`, with the /proc scanner as the fallback at
 * start and whenever pre-exec blocking gives up.
 */
export function defaultAppControl(ctx: AppControlContext): AppControl {
  return new AppControlSelector({
    method: ctx.config.appControl.method,
    marks: ctx.config.appControl.fanotifyMarks,
    preExec: ctx.platform.preExec,
    createFallback: () => procScanAppControl(ctx),
    ...(ctx.config.secondLineIntervalMs > 0 ? { createSecondLine: () => secondLineAppControl(ctx), secondLineIntervalMs: ctx.config.secondLineIntervalMs } : {}),
    sink: ctx.sink,
    log: ctx.log,
  });
}

/**
 * What the app control enforces for a verified policy: its `apps` section with the screen-capture
 * catalogue in front when `screen.blockCaptureTools` is on, plus the app exceptions in force.
 */
export function appPolicyOf(policy: VerifiedPolicy | null, exceptions: ActiveExceptions, os: Platform['os'], captureToolContent: readonly AppRule[] = []): AppPolicy | null {
  if (!policy) return null;
  const { document, serial } = policy.signed.bundle;
  return { serial, mode: document.mode, apps: withCaptureToolRules(document.apps, document.screen, os, captureToolContent), exceptions: exceptions.apps };
}

/**
 * An app decision as an event: capture tools are `screen-capture` events, everything else `app`. A
 * decision the fail mode made (no answer in time) is high severity whatever it did: either a
 * program ran unchecked or a legitimate one was refused.
 */
export function appEventOf(decision: AppDecisionReport): EventInput {
  return {
    type: decision.secondLine ? 'bypass' : isCaptureToolRule(decision.ruleId) ? 'screen-capture' : 'app',
    action: decision.action,
    severity: decision.timedOut || decision.secondLine ? 'high' : decision.action === 'blocked' ? 'medium' : 'low',
    ruleId: decision.ruleId,
    policySerial: decision.policySerial,
    ...(decision.process.uid === undefined ? {} : { uid: decision.process.uid }),
    subject: { kind: 'process', method: decision.method, ...decision.process, ...(decision.exceptionId ? { exceptionId: decision.exceptionId } : {}) },
  };
}

/** A notice about the app control itself (helper restart, fallback) as an `agent` event. */
export function appNoticeEventOf(notice: AppControlNotice): EventInput {
  return {
    type: 'agent',
    action: 'info',
    severity: notice.severity,
    subject: { kind: 'agent', message: notice.message, ...(notice.details ? { details: notice.details } : {}) },
  };
}

export interface AppsAgentControlOptions {
  platform: Platform;
  config: AgentConfig;
  createAppControl: AppControlFactory;
  record: EventSink;
  log: Logger;
  /** The app control's capabilities changed (e.g. its pre-exec helper died and a fallback took over). */
  capabilitiesChanged: () => void;
  /** Rules the host adds (name aliases, capture tools by content); none where the OS has no such source. */
  hostRules?: HostRuleSources | null;
  /** How often the package database is checked for changes that alter those rules. */
  packageCheckMs?: number;
}

/** App control (and, through the catalogue, screen-capture tool blocking) in the service's control list. */
export class AppsAgentControl implements AgentControl {
  readonly name = 'apps';
  private readonly control: AppControl;
  private policy: VerifiedPolicy | null = null;
  private exceptions: ActiveExceptions = NO_EXCEPTIONS;
  private running = false;
  private packageTimer: NodeJS.Timeout | null = null;
  private pushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: AppsAgentControlOptions) {
    const sink: AppControlSink = {
      report: (decision) => options.record(appEventOf(decision)),
      capabilitiesChanged: () => options.capabilitiesChanged(),
      notice: (notice) => options.record(appNoticeEventOf(notice)),
    };
    this.control = options.createAppControl({ platform: options.platform, config: options.config, sink, log: options.log });
  }

  async applyPolicy(policy: VerifiedPolicy | null): Promise<void> {
    this.policy = policy;
    await this.push();
  }

  async applyExceptions(active: ActiveExceptions): Promise<void> {
    this.exceptions = active;
    await this.push();
  }

  async start(): Promise<void> {
    await this.control.start();
    this.running = true;
    const hostRules = this.options.hostRules;
    if (!hostRules) return;
    // Low rate: an install or removal changes what names resolve to and which files are capture tools.
    this.packageTimer = setInterval(() => {
      void hostRules
        .packagesChanged()
        .then((changed) => (changed && this.running ? this.push() : undefined))
        .catch((err: unknown) => this.options.log.warn('re-applying rules after a package change failed', { error: err instanceof Error ? err.message : String(err) }));
    }, this.options.packageCheckMs ?? 30_000);
    this.packageTimer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.packageTimer) clearInterval(this.packageTimer);
    this.packageTimer = null;
    await this.control.stop();
  }

  /** What the app control really enforces (method, fail mode, helper health); `none` before start. */
  capabilities(): CapabilityReport['apps'] {
    return this.running ? this.control.capabilities() : { method: 'none', preExec: false, failMode: 'open' };
  }

  /** What the app control's flags cannot say (e.g. why pre-exec blocking is not in force). */
  capabilityNotes(): string[] {
    return this.control.capabilityNotes?.() ?? [];
  }

  /** Whether the policy in force asks for capture-tool blocking. */
  captureToolsRequested(): boolean {
    return this.policy?.signed.bundle.document.screen.blockCaptureTools ?? false;
  }

  /**
   * Resolves once the app control has the rules in force (at once for the scanner). One push at a
   * time, each reading the state when it runs: host rules take a moment to gather, and a push that
   * started earlier must never land after (and undo) a later one.
   */
  private push(): Promise<void> {
    const run = this.pushing.then(() => this.pushNow());
    this.pushing = run.catch(() => undefined);
    return run;
  }

  private async pushNow(): Promise<void> {
    const hostRules = this.options.hostRules;
    const wantsContent = hostRules && this.captureToolsRequested();
    const content = wantsContent ? await hostRules.captureToolContent().catch(() => []) : [];
    const appPolicy = appPolicyOf(this.policy, this.exceptions, this.options.platform.os, content);
    // Name rules also match what the standard program folders link that name to (python3 → python3.11).
    if (appPolicy && hostRules) appPolicy.apps = await hostRules.resolveNames(appPolicy.apps);
    await this.control.applyPolicy(appPolicy);
  }
}
