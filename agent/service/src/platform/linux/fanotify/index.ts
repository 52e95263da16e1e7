/**
 * Linux pre-exec app control through the native helper (agent/service/native/dlp-exec-guard).
 * The agent checks ExecGuard.available() once at start-up and falls back to the /proc scanner
 * when it is not.
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
