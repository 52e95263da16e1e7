import { fieldIssues, policyDocument, reportScheduleInput, type FieldIssue } from '@dlp/shared';
import type { z } from 'zod';
import type { I18n } from '../i18n';
import { translate } from '../i18n/language';
import { describeIssueList, describeProblem } from './issue-sentence';

const zh: I18n['t'] = (key, params) => translate('zh-CN', key, params);
const en: I18n['t'] = (key, params) => translate('en', key, params);

/** Words of English left once the field paths and the names that stay as they are are taken out. */
function englishWords(text: string, issues: readonly FieldIssue[]): string[] {
  let rest = text;
  // Field paths, and the values a problem names (enum options, unknown keys): data, not language.
  const paths = issues.map((issue) => issue.path);
  const values = issues.flatMap((issue) => Object.values(issue.params ?? {}).flatMap((value) => String(value).split(', ')));
  for (const part of [...paths, ...values]) rest = rest.split(part).join(' ');
  rest = rest.replace(/SHA-256|JSON|base64url|base64|Ed25519|PEM|BEGIN CERTIFICATE|IANA|Asia\/Shanghai|UTC|https|Webhook|USB|vid:pid(:serial)?|HH:MM|NUL|\{user\}|ID/g, ' ');
  return rest.match(/[A-Za-z]{3,}/g) ?? [];
}

function issuesOf<T extends z.ZodType>(schema: T, value: unknown): FieldIssue[] {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected the value to be refused');
  return fieldIssues(parsed.error);
}

describe('validation problems in the reader’s language (issue 17 item 8)', () => {
  const policyIssues = issuesOf(policyDocument, {
    name: '',
    mode: 'enforce',
    usb: { enabled: true, defaultAction: 'sometimes' },
    apps: { enabled: true, rules: [{ id: 'r1', action: 'block', kind: 'sha256', value: 'abc' }, { id: 'r2', action: 'block', kind: 'name', value: 'bin/nc' }] },
    surprise: true,
  });
  const scheduleIssues = issuesOf(reportScheduleInput, { name: 'weekly', frequency: 'weekly', weekday: null });

  it('says every problem of a refused policy and report schedule in Chinese, without English words', () => {
    expect(policyIssues.length).toBeGreaterThanOrEqual(4);
    for (const issues of [policyIssues, scheduleIssues]) {
      const zhText = describeIssueList(issues, zh);
      expect({ zhText, english: englishWords(zhText, issues) }).toEqual({ zhText, english: [] });
    }
    expect(describeIssueList(policyIssues, zh)).toContain('apps.rules.0.value：SHA-256 规则需要 64 位小写十六进制字符');
  });

  it('keeps the console’s own words for English readers', () => {
    const sha = policyIssues.find((issue) => issue.path === 'apps.rules.0.value');
    expect(sha && describeProblem(sha, en)).toBe('sha256 rules need 64 lowercase hex characters');
  });

  it('never shows an unknown English message in Chinese: a sentence in Chinese instead', () => {
    const unknown: FieldIssue = { path: 'x', message: 'something nobody translated yet', code: 'custom' };
    expect(describeProblem(unknown, zh)).toBe('无效');
    expect(describeProblem(unknown, en)).toBe('something nobody translated yet');
  });
});
