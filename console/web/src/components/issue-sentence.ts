import type { FieldIssue } from '@dlp/shared';
import type { I18n, MessageKey } from '../i18n';
import { errorsEn } from '../i18n/catalogue/errors-en';

type Translate = I18n['t'];

/** The key of each English message the console sends as it is (`issue.msg.*`), by that message. */
const KEY_BY_MESSAGE = new Map<string, MessageKey>(
  Object.entries(errorsEn)
    .filter(([key]) => key.startsWith('issue.msg.'))
    .map(([key, message]) => [message, key as MessageKey]),
);

/** Messages with a value in them, as the console words them. */
const PATTERNS: ReadonlyArray<{ pattern: RegExp; key: MessageKey }> = [
  { pattern: /^must be at most (?<limit>\d+)$/, key: 'issue.pattern.atMost' },
  { pattern: /^duplicate rule id \(also in (?<other>[^)]+)\)$/, key: 'issue.pattern.duplicateRule' },
  { pattern: /^range too long: at most (?<limit>\d+) days$/, key: 'issue.pattern.rangeDays' },
];

const SIZED_ORIGINS = new Set(['string', 'array', 'number']);

/** What is wrong, by zod's issue code and its values, in the reader's language. */
function byCode(issue: FieldIssue, t: Translate): string | null {
  const params = issue.params ?? {};
  const origin = String(params.origin ?? '');
  switch (issue.code) {
    case 'invalid_type':
      return params.expected !== undefined && /received undefined|required/i.test(issue.message) ? t('issue.required') : t('issue.invalid_type', { expected: String(params.expected ?? '') });
    case 'too_small':
      return SIZED_ORIGINS.has(origin) ? t(`issue.too_small.${origin}` as MessageKey, { minimum: String(params.minimum ?? '') }) : null;
    case 'too_big':
      return SIZED_ORIGINS.has(origin) ? t(`issue.too_big.${origin}` as MessageKey, { maximum: String(params.maximum ?? '') }) : null;
    case 'invalid_value':
      return t('issue.invalid_value', { values: String(params.values ?? '') });
    case 'invalid_format':
      return t('issue.invalid_format', { format: String(params.format ?? '') });
    case 'unrecognized_keys':
      return t('issue.unrecognized_keys', { keys: String(params.keys ?? '') });
    default:
      return null;
  }
}

/** The reader's language is English (the console's own messages can then be shown as they are). */
export function readsEnglish(t: Translate): boolean {
  return t('issue.invalid') === errorsEn['issue.invalid'];
}

/**
 * One problem with a field, said in the reader's language: a message the console words itself
 * (schemas' and services' own sentences) by its key, zod's generic ones by their code. A message
 * neither knows is shown as it came in English and "is not valid" in other languages, never mixed.
 */
export function describeProblem(issue: FieldIssue, t: Translate): string {
  const key = KEY_BY_MESSAGE.get(issue.message);
  if (key) return t(key);
  for (const { pattern, key: patternKey } of PATTERNS) {
    const match = pattern.exec(issue.message);
    if (match) return t(patternKey, match.groups);
  }
  const coded = byCode(issue, t);
  if (coded) return coded;
  // English readers get the console's own words; others a sentence in their language.
  return readsEnglish(t) ? issue.message : t('issue.invalid');
}

/** `path: problem` for each issue, joined for one line of text. */
export function describeIssueList(issues: readonly FieldIssue[], t: Translate): string {
  return issues.map((issue) => t('issue.line', { path: issue.path, problem: describeProblem(issue, t) })).join('; ');
}
