import { compileAppRules, EXCEPTION_RULE_PREFIX, type AppMatcher, type AppsSection, type PolicyMode } from '@dlp/shared';
import type { AppDecisionReport } from '../../../enforce/apps/app-control';
import { processSubjectOf, type ExecDecision } from './exec-guard-types';

/** What the control sent the helper as one rule-set generation: what a decision under it means. */
export interface SentRuleSet {
  /** Serial of the signed policy; null before the first policy. */
  serial: number | null;
  mode: PolicyMode;
  failMode: 'open' | 'closed';
  /**
   * The policy's rules WITHOUT the exception rules: which rule an exception overrode. Compiled
   * on first use, since most rule sets never see an exception used.
   */
  policyRules(): AppMatcher;
}

/** A SentRuleSet for an apps section (before the exception rules are put in front of it). */
export function sentRuleSet(serial: number | null, mode: PolicyMode, apps: AppsSection): SentRuleSet {
  let compiled: AppMatcher | null = null;
  return {
    serial,
    mode,
    failMode: apps.enabled ? apps.failMode : 'open',
    policyRules: () => (compiled ??= compileAppRules(apps)),
  };
}

/**
 * A helper decision as the report the service turns into an event, or null when there is nothing to
 * report (an exception let through a program the policy allows anyway) or the exec could not be
 * identified (no absolute path: the caller reports that another way).
 *
 * - blocked / would-block: as the helper says, with its rule.
 * - timeout: the fail mode answered; `ruleId` is `fail-mode:open|closed` and the action what
 *   happened: blocked (closed), allowed (open), would-block (closed, but monitor mode let it run).
 * - allowed: an exception rule let it run; `ruleId` names the policy rule it overrode, as the
 *   /proc scanner reports it.
 */
export function appDecisionOf(decision: ExecDecision, sent: SentRuleSet | undefined): AppDecisionReport | null {
  if (!decision.exePath.startsWith('/')) return null;
  const subject = processSubjectOf(decision);
  const process: AppDecisionReport['process'] = {
    pid: subject.pid,
    ...(subject.ppid !== undefined ? { ppid: subject.ppid } : {}),
    ...(subject.uid !== undefined ? { uid: subject.uid } : {}),
    exePath: subject.exePath,
    name: subject.name,
    ...(subject.sha256 ? { sha256: subject.sha256 } : {}),
    ...(subject.suppressed ? { suppressed: subject.suppressed } : {}),
    ...(subject.via ? { via: subject.via } : {}),
    ...(subject.interpreter ? { interpreter: subject.interpreter } : {}),
  };
  const base = { policySerial: sent?.serial ?? null, method: decision.method, process };
  switch (decision.report) {
    case 'blocked':
    case 'would-block':
      return { ...base, action: decision.report, ruleId: decision.ruleId };
    case 'timeout': {
      // Without the rule set (a generation we no longer remember), the verdict still tells the mode.
      const failMode = sent?.failMode ?? (decision.verdict === 'deny' ? 'closed' : 'open');
      const action = decision.verdict === 'deny' ? 'blocked' : failMode === 'closed' ? 'would-block' : 'allowed';
      return { ...base, action, ruleId: `fail-mode:${failMode}`, timedOut: true };
    }
    case 'allowed': {
      if (!sent || !decision.ruleId?.startsWith(EXCEPTION_RULE_PREFIX)) return null;
      const overridden = sent.policyRules().decide({ exePath: decision.exePath, name: decision.name, sha256: decision.sha256 });
      if (overridden.action === 'allow') return null;
      return { ...base, action: 'allowed', ruleId: overridden.ruleId, exceptionId: decision.ruleId.slice(EXCEPTION_RULE_PREFIX.length) };
    }
  }
}
