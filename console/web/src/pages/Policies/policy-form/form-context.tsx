import { createContext, useContext } from 'react';
import type { FieldIssue } from '@dlp/shared';
import type { DocumentPath } from './document-path';

/** What every field of the policy form reads and writes. */
export interface PolicyFormState {
  /** The document as JSON (possibly invalid, possibly with unknown fields). */
  document: unknown;
  setAt(path: DocumentPath, value: unknown): void;
  /** Problems by dotted path, from the last save. */
  issuesAt(dotted: string): readonly FieldIssue[];
  readOnly: boolean;
}

export const PolicyFormContext = createContext<PolicyFormState | null>(null);

/** The form state; fields only exist inside `PolicyFormContext`. */
export function usePolicyForm(): PolicyFormState {
  const state = useContext(PolicyFormContext);
  if (!state) throw new Error('policy form fields need a PolicyFormContext');
  return state;
}

/** Groups issues by dotted path for `issuesAt`. */
export function indexIssues(issues: readonly FieldIssue[]): (dotted: string) => readonly FieldIssue[] {
  const byPath = new Map<string, FieldIssue[]>();
  for (const issue of issues) byPath.set(issue.path, [...(byPath.get(issue.path) ?? []), issue]);
  return (dotted) => byPath.get(dotted) ?? [];
}
