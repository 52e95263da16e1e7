import type { z } from 'zod';

/** One validation problem, with the dotted path of the offending field (e.g. `apps.rules.3.value`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Flattens zod issues into field-path messages fit for an API error body or a log line. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((p) => String(p)).join('.') || '(root)',
    message: issue.message,
  }));
}

/** A one-line summary: `apps.rules.0.kind: Invalid option; mode: Required`. */
export function describeIssues(error: z.ZodError, max = 5): string {
  const issues = fieldIssues(error);
  const head = issues.slice(0, max).map((i) => `${i.path}: ${i.message}`);
  if (issues.length > max) head.push(`(+${issues.length - max} more)`);
  return head.join('; ');
}
