import type { FieldIssue } from '@dlp/shared';

/** The textarea's text as JSON, or where it stops being JSON (the browser's parser message). */
export function parseDraftText(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Issues grouped by field path, in first-seen order, so each path is shown once with all of its
 * problems (a rule can break several constraints at once).
 */
export function issuesByPath(issues: readonly FieldIssue[]): Array<{ path: string; messages: string[] }> {
  const grouped = new Map<string, string[]>();
  for (const issue of issues) {
    const messages = grouped.get(issue.path) ?? [];
    messages.push(issue.message);
    grouped.set(issue.path, messages);
  }
  return [...grouped].map(([path, messages]) => ({ path, messages }));
}
