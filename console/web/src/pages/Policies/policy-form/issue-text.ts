import type { FieldIssue } from '@dlp/shared';
import { describeProblem } from '../../../components/issue-sentence';
import type { MessageKey } from '../../../i18n';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/**
 * The policy schema's own messages (shared/src/schemas/policy.ts, primitives.ts) in the words of
 * the form; any other message as the console's pages say it (components/issue-sentence.ts: in the
 * reader's language, never English in Chinese).
 */
const KNOWN: ReadonlyArray<{ pattern: RegExp; key: MessageKey }> = [
  { pattern: /^sha256 rules need 64 lowercase hex characters$/, key: 'pf.issue.sha256' },
  { pattern: /^path rules need an absolute path or glob/, key: 'pf.issue.path' },
  { pattern: /^name rules match a file name/, key: 'pf.issue.name' },
  { pattern: /^duplicate rule id \(also in (?<other>[^)]+)\)$/, key: 'pf.issue.duplicateId' },
  { pattern: /^must be letters, digits/, key: 'pf.issue.ruleId' },
  { pattern: /^must be 4 lowercase hex digits$/, key: 'pf.issue.usbId' },
  { pattern: /^must look like 1-1\.2$/, key: 'pf.issue.port' },
  { pattern: /^must be an absolute path$/, key: 'pf.issue.absolutePath' },
];

/** A problem in the reader's language; its zod code and values, when given, word the generic ones. */
export function issueText(issue: string | Omit<FieldIssue, 'path'>, t: Translate): string {
  const { message } = typeof issue === 'string' ? { message: issue } : issue;
  for (const { pattern, key } of KNOWN) {
    const match = pattern.exec(message);
    if (match) return t(key, { other: match.groups?.other ?? '' });
  }
  return describeProblem({ path: '', ...(typeof issue === 'string' ? { message } : issue) }, t);
}
