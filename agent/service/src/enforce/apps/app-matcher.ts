/**
 * The app-rule decision lives in @dlp/shared (shared/src/matching/app-matcher.ts) so the console's
 * impact preview replays history with the agent's own code. Change it there; this module keeps the
 * agent's imports working.
 */
export {
  compileAppRules,
  decideLazily,
  exceptionAllowRules,
  type AppDecision,
  type AppException,
  type AppMatcher,
  type AppRuleSet,
  type AppSubject,
} from '@dlp/shared';
