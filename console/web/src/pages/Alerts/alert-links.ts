import type { FiredAlert } from '@dlp/shared';
import type { TriageFilters } from '../../api';
import { searchHref } from '../../router/event-search-link';

const MINUTE = 60_000;

function at(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The Search & triage filters behind an alert: whose events (the agent, or the user of a per-user
 * threshold), over the time that led to it (the rule's window; the hour before an agent went silent).
 */
export function alertSearchFilters(alert: FiredAlert): TriageFilters {
  const d = alert.details;
  const firedMs = Date.parse(alert.firedAt);
  const who: TriageFilters = alert.entity.type === 'user' ? { user: alert.entity.id } : { agentId: alert.entity.id };
  switch (alert.kind) {
    case 'threshold': {
      const windowMinutes = typeof d['windowMinutes'] === 'number' ? d['windowMinutes'] : 60;
      return { ...who, action: 'blocked', from: at(firedMs - windowMinutes * MINUTE), to: at(firedMs + MINUTE) };
    }
    case 'content':
      return { ...who, type: 'content', from: at(firedMs - 60 * MINUTE), to: at(firedMs + MINUTE) };
    case 'agent-offline': {
      const lastSeenMs = typeof d['lastSeenAt'] === 'string' ? Date.parse(d['lastSeenAt']) : firedMs;
      const seen = Number.isNaN(lastSeenMs) ? firedMs : lastSeenMs;
      return { ...who, from: at(seen - 60 * MINUTE), to: at(seen + MINUTE) };
    }
    case 'policy-tampering':
    case 'fail-open-timeout':
    case 'clock-skew':
      return { ...who, from: at(firedMs - 60 * MINUTE), to: at(firedMs + MINUTE) };
  }
}

/** A link to Search & triage with the alert's filters in the address. */
export function alertSearchHref(alert: FiredAlert): string {
  return searchHref(alertSearchFilters(alert));
}
