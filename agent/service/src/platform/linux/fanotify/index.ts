/**
 * Linux pre-exec app control through the native helper (agent/service/native/dlp-exec-guard).
 * The Linux platform offers it as `Platform.preExec` (fanotifyPreExec); the service's
 * AppControlSelector probes it at start-up and falls back to the /proc scanner when it is not
 * available or gives up.
 */
export { ExecGuard } from './exec-guard';
export {
  processSubjectOf,
  type ExecDecision,
  type ExecGuardDown,
  type ExecGuardEvents,
  type ExecGuardOptions,
  type ExecGuardRestart,
  type ExecGuardStats,
  type ExecGuardStatus,
} from './exec-guard-types';
export { locateExecGuardHelper, probeExecGuard, HELPER_PATH_ENV, INSTALLED_HELPER_PATH, type ExecGuardAvailability } from './helper-location';
export { compileRuleSet, percentEncode } from './rule-compiler';
export { FanotifyAppControl, helperRulesOf, type FanotifyAppControlOptions } from './fanotify-app-control';
export { fanotifyPreExec, type FanotifyPreExecOptions } from './fanotify-pre-exec';
export { appDecisionOf } from './exec-decision-report';
