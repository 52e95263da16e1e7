import type { z } from 'zod';

/** Values a UI needs to say a problem in its own language (a minimum, the expected type…). */
export type IssueParams = Record<string, string | number | boolean>;

/**
 * One validation problem, with the dotted path of the offending field (e.g. `apps.rules.3.value`).
 * `message` is English (logs, the API); `code` and `params` let a UI say it in the reader's
 * language: zod's issue code (`too_small`, `invalid_type`…) or a console code (`no_such_group`…).
 */
export interface FieldIssue {
  path: string;
  message: string;
  code?: string;
  params?: IssueParams;
}

type ZodIssue = z.ZodError['issues'][number];

/** What a sentence about this kind of issue needs; only JSON-safe scalars. */
function paramsOf(issue: ZodIssue): IssueParams | undefined {
  switch (issue.code) {
    case 'too_small':
      return { origin: String(issue.origin), minimum: Number(issue.minimum), inclusive: issue.inclusive !== false };
    case 'too_big':
      return { origin: String(issue.origin), maximum: Number(issue.maximum), inclusive: issue.inclusive !== false };
    case 'invalid_type':
      return { expected: String(issue.expected) };
    case 'invalid_value':
      return { values: issue.values.map((value) => String(value)).join(', ') };
    case 'invalid_format':
      return { format: String(issue.format) };
    case 'unrecognized_keys':
      return { keys: issue.keys.join(', ') };
    default:
      return undefined;
  }
}

/** Flattens zod issues into field-path messages fit for an API error body or a log line. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const params = paramsOf(issue);
    return {
      path: issue.path.map((p) => String(p)).join('.') || '(root)',
      message: issue.message,
      code: issue.code,
      ...(params ? { params } : {}),
    };
  });
}

/** A one-line summary: `apps.rules.0.kind: Invalid option; mode: Required`. */
export function describeIssues(error: z.ZodError, max = 5): string {
  const issues = fieldIssues(error);
  const head = issues.slice(0, max).map((i) => `${i.path}: ${i.message}`);
  if (issues.length > max) head.push(`(+${issues.length - max} more)`);
  return head.join('; ');
}
