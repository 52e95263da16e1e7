import type { StoredEvent, TriageInfo } from '@dlp/shared';
import type { TriageAnnotation } from '../store/triage-store';
import { triageGroupKey } from '../store/triage-fingerprint';

/** An event's effective state without its fingerprint: its own, else its group's, else `new`. */
export function effectiveTriage(annotation: TriageAnnotation | undefined): Omit<TriageInfo, 'fingerprint'> {
  const source = annotation?.eventState ?? annotation?.groupState ?? null;
  return {
    state: source?.state ?? 'new',
    scope: annotation?.eventState ? 'event' : annotation?.groupState ? 'group' : null,
    updatedBy: source?.updatedBy ?? null,
    updatedAt: source?.updatedAt ?? null,
  };
}

/** An event's effective state with the fingerprint of its group (what the UI and API show). */
export function triageInfoOf(event: StoredEvent, annotation: TriageAnnotation | undefined): TriageInfo {
  return { ...effectiveTriage(annotation), fingerprint: triageGroupKey(event, annotation?.subjectKey ?? '').fingerprint };
}
