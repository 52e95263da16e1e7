import { appsSection, describeIssues, exceptionAllowRules, type AppsSection, type CapabilityReport } from '@dlp/shared';
import type { Logger } from '../../../core/logger';
import type { AppControl, AppControlSink, AppDecisionReport, AppPolicy } from '../../../enforce/apps/app-control';
import { ExecutableHashCache } from '../../../enforce/apps/executable-hash-cache';
import type { ProcessTable } from '../../types';
import { appDecisionOf, sentRuleSet, type SentRuleSet } from './exec-decision-report';
import type { ExecGuard } from './exec-guard';
import type { ExecDecision, ExecGuardDown, ExecGuardRestart } from './exec-guard-types';

/** Before the first policy: the helper answers everything with allow and reports nothing. */
const NO_POLICY_RULES: AppsSection = appsSection.parse({ enabled: false });
/** Decisions of this many earlier rule sets can still be on their way from the helper. */
const REMEMBERED_GENERATIONS = 16;

export interface FanotifyAppControlOptions {
  /** A guard not started yet, with its marks; this control owns it from now on. */
  guard: ExecGuard;
  sink: AppControlSink;
  log: Logger;
  /** Called once when the helper keeps going down (see giveUpAfter): the owner takes over. */
  gaveUp(reason: string): void;
  /** Where blocked files are hashed for evidence when a path or name rule decided (no hash needed). */
  files: ProcessTable;
  /** Helper deaths within `windowMs` that make pre-exec blocking give up (default 5 in 60 s). */
  giveUpAfter?: { downs: number; windowMs: number };
}

/**
 * The policy's apps section as the helper gets it: the exceptions in force become sha256 allow
 * rules in front (the helper cannot consult them otherwise). Only when the rules can block at all,
 * since a sha256 rule in front makes the helper hash every executable.
 */
export function helperRulesOf(policy: AppPolicy): AppsSection {
  const { apps } = policy;
  const exceptions = policy.exceptions ?? [];
  const canBlock = apps.defaultAction === 'block' || apps.rules.some((rule) => rule.action === 'block');
  if (!apps.enabled || !canBlock || exceptions.length === 0) return apps;
  return { ...apps, rules: [...exceptionAllowRules(exceptions), ...apps.rules] };
}

/** Why a helper was replaced, in words for an officer. */
function causeOf(reason: string): string {
  if (/^(watchdog|backstop):/.test(reason)) return 'it stopped answering';
  if (/^helper exited/.test(reason)) return 'it exited unexpectedly';
  return 'it failed';
}

/**
 * Pre-exec app control on Linux: the native helper (driven by ExecGuard) decides every exec on the
 * marked mounts before it runs; this class is the glue to the service. It hands the helper the
 * policy's rules (catalogue already merged by the service, exceptions added here), turns the
 * helper's reports into app decisions, reports helper restarts as events, keeps the capability
 * report current, and gives up (the owner then starts the /proc scanner) when the helper keeps dying.
 */
export class FanotifyAppControl implements AppControl {
  private readonly guard: ExecGuard;
  private readonly sent = new Map<number, SentRuleSet>();
  private generationsSent = 0;
  private failMode: 'open' | 'closed' = 'open';
  private downTimes: number[] = [];
  private downSince: number | null = null;
  private gaveUp = false;
  private stopped = false;
  private readonly hashes: ExecutableHashCache;
  private readonly reporting = new Set<Promise<void>>();

  constructor(private readonly options: FanotifyAppControlOptions) {
    this.guard = options.guard;
    this.hashes = new ExecutableHashCache(options.files);
    this.guard.on('decision', (decision) => this.onDecision(decision));
    this.guard.on('down', (down) => this.onDown(down));
    this.guard.on('restarted', (restart) => this.onRestarted(restart));
    // Counters (timeouts, cache hit rate) are part of the capability report; the tracker sends only changes.
    this.guard.on('stats', () => this.options.sink.capabilitiesChanged?.());
    this.guard.on('problem', (problem) => {
      if (!this.stopped) this.options.log.warn('exec guard', { problem });
    });
  }

  /** Starts the helper; rejects when it cannot place its marks (the owner falls back). */
  start(): Promise<void> {
    return this.guard.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.guard.stop();
    // Reports still waiting for their evidence hash go out before the service closes its outbox.
    await Promise.all(this.reporting);
  }

  /** Resolves once the helper has the rules in force (or refused them: then an event says so). */
  applyPolicy(policy: AppPolicy | null): Promise<void> {
    const apps = policy ? helperRulesOf(policy) : NO_POLICY_RULES;
    const mode = policy?.mode ?? 'monitor';
    const serial = policy?.serial ?? null;
    // ExecGuard validates too, but one it refuses consumes no generation and would put ours out of step.
    const valid = appsSection.safeParse(apps);
    if (!valid.success) {
      this.refused(serial, `the rules are invalid for the helper: ${describeIssues(valid.error)}`);
      return Promise.resolve();
    }
    // ExecGuard numbers rule sets 1, 2, 3… in call order, at the call.
    const generation = ++this.generationsSent;
    this.sent.set(generation, sentRuleSet(serial, mode, policy?.apps ?? NO_POLICY_RULES));
    this.sent.delete(generation - REMEMBERED_GENERATIONS);
    this.failMode = policy?.apps.enabled ? policy.apps.failMode : 'open';
    // Called now, not later in a chain: before start() this only stores the rules, and start()
    // must hand them to the helper before its marks, so no exec is ever judged without them.
    const sent = this.guard.applyPolicy(valid.data, mode);
    const settled = sent.then(
      (applied) => {
        if (applied !== generation) this.options.log.warn('exec guard numbered a rule set unexpectedly', { expected: generation, applied });
      },
      (error: unknown) => this.refused(serial, error instanceof Error ? error.message : String(error)),
    );
    this.options.sink.capabilitiesChanged?.();
    return settled;
  }

  capabilities(): CapabilityReport['apps'] {
    const status = this.guard.status();
    return {
      method: 'fanotify',
      preExec: true,
      failMode: this.failMode,
      helper: {
        running: status.running,
        restarts: status.restarts,
        timeouts: status.timeouts,
        // Rounded: the report is re-sent whenever it changes, and the third decimal is noise.
        cacheHitRate: Math.round(status.cacheHitRate * 100) / 100,
      },
      ...(status.lsm ? { lsm: { state: status.lsm.state, ...(status.lsm.message ? { message: status.lsm.message.slice(0, 200) } : {}) } } : {}),
    };
  }

  private onDecision(decision: ExecDecision): void {
    const report = appDecisionOf(decision, this.sent.get(decision.generation));
    if (report) {
      const job = this.withEvidence(report).then((full) => this.options.sink.report(full));
      this.reporting.add(job);
      void job.finally(() => this.reporting.delete(job));
      return;
    }
    if (decision.report === 'timeout' && !decision.exePath.startsWith('/')) {
      // The helper could not even tell which file it was: still a timeout an officer must see.
      this.options.sink.notice?.({
        severity: 'high',
        message: `an exec by pid ${decision.pid} could not be identified in time; the fail mode ${decision.verdict === 'deny' ? 'refused' : 'allowed'} it`,
        details: { pid: decision.pid, ...(decision.uid !== null ? { uid: decision.uid } : {}), verdict: decision.verdict },
      });
    }
  }

  /**
   * The hash is evidence officers use to identify a program, so a block a path or name rule made
   * (the helper did not need the hash) carries the hash of the file at that path, if it did not
   * change while it was read. Timeouts are left alone: the helper is still hashing that file.
   */
  private async withEvidence(report: AppDecisionReport): Promise<AppDecisionReport> {
    if (report.process.sha256 || report.timedOut || report.action === 'allowed') return report;
    try {
      const identity = await this.options.files.fileIdentity(report.process.exePath);
      const sha256 = identity ? await this.hashes.sha256OfFile(report.process.exePath, identity) : null;
      return sha256 ? { ...report, process: { ...report.process, sha256 } } : report;
    } catch {
      return report;
    }
  }

  private onDown(down: ExecGuardDown): void {
    if (this.stopped) return;
    const now = Date.now();
    this.downSince ??= now;
    const { downs, windowMs } = this.options.giveUpAfter ?? { downs: 5, windowMs: 60_000 };
    this.downTimes = [...this.downTimes.filter((at) => now - at < windowMs), now];
    this.options.log.error('exec guard helper went down', { reason: down.reason, restartInMs: down.restartInMs, recentDowns: this.downTimes.length });
    this.options.sink.capabilitiesChanged?.();
    if (this.downTimes.length >= downs && !this.gaveUp) {
      this.gaveUp = true;
      this.options.gaveUp(`its helper went down ${this.downTimes.length} times within ${Math.round(windowMs / 1000)} s, last because ${causeOf(down.reason)}`);
    }
  }

  private onRestarted(restart: ExecGuardRestart): void {
    if (this.stopped) return;
    const gapMs = this.downSince === null ? 0 : Date.now() - this.downSince;
    this.downSince = null;
    this.options.sink.notice?.({
      severity: 'high',
      message: `exec guard restarted after ${causeOf(restart.reason)}; programs on watched mounts started unchecked for ${gapMs} ms`,
      details: { reason: restart.reason.slice(0, 500), restarts: restart.restarts, gapMs },
    });
    this.options.sink.capabilitiesChanged?.();
  }

  private refused(serial: number | null, reason: string): void {
    if (this.stopped) return;
    // Refused: the helper keeps its previous rules. No answer in time: a restarted helper gets these.
    this.options.log.error('the exec guard did not confirm a rule set', { policySerial: serial, reason });
    this.options.sink.notice?.({
      severity: 'high',
      message: `pre-exec blocking did not confirm ${serial === null ? 'the empty rule set' : `the rules of policy serial ${serial}`}: ${reason}`.slice(0, 1000),
    });
  }
}
