import { isApiRequestError, isUnreachable } from '../api';
import type { I18n, MessageKey } from '../i18n';

/** Server codes for a refused new password, each with its own translated sentence. */
const RULE_CODES = [
  'password_too_short',
  'password_whitespace_only',
  'password_control_characters',
  'password_marks_only',
  'password_repetitive',
  'password_contains_username',
  'password_common',
  'password_common_pattern',
  'password_unchanged',
] as const;
type RuleCode = (typeof RULE_CODES)[number];

function isRuleCode(code: string): code is RuleCode {
  return (RULE_CODES as readonly string[]).includes(code);
}

function ruleMessage(code: RuleCode, t: I18n['t']): string {
  const key: MessageKey = `password.rule.${code}`;
  return t(key);
}

/**
 * Every reason the console gave for refusing a password change, translated. A 400 names the first
 * broken rule in `error` and lists every broken rule as `<code>: <text>` issues, so all are shown.
 */
export function passwordProblems(error: unknown, t: I18n['t']): string[] {
  if (!isApiRequestError(error)) return [t('error.server', { message: String(error) })];
  if (isUnreachable(error)) return [t('error.network')];
  if (error.code === 'missing_fields') return [t('password.missing')];
  if (error.code === 'invalid_credentials' || error.status === 401) return [t('password.wrongCurrent')];
  if (error.status === 429) return [t('error.rateLimited')];
  return passwordRuleProblems(error, t) ?? [t('error.server', { message: error.message })];
}

/**
 * The translated password rules a refusal names, or null when the error is not about password
 * rules (for forms where other failures are shown the usual way).
 */
export function passwordRuleProblems(error: unknown, t: I18n['t']): string[] | null {
  if (!isApiRequestError(error) || error.status !== 400) return null;
  const codes = new Set<RuleCode>();
  if (isRuleCode(error.code)) codes.add(error.code);
  for (const issue of error.issues) {
    const code = issue.message.split(':')[0]?.trim() ?? '';
    if (isRuleCode(code)) codes.add(code);
  }
  return codes.size > 0 ? [...codes].map((code) => ruleMessage(code, t)) : null;
}
