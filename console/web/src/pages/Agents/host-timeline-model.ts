import type { AgentSummary, AuditEntry, StoredEvent } from '@dlp/shared';

/**
 * What the host page's timeline can honestly show from what the console keeps: enrollment, the last
 * policy receipt (only the last is kept), the agent's own reports of type agent, policy and gap
 * (helper restarts and fallbacks, refused policies and exceptions, lost events), changes made to the
 * agent in the console (audit: moves, revocation, unlock codes), and the last contact while it is
 * offline. Connections and disconnections are not recorded, so they are not here.
 */
export type TimelineEntry =
  | { kind: 'enrolled'; at: string; tone: Tone }
  | { kind: 'last-contact'; at: string; tone: Tone }
  | { kind: 'receipt'; at: string; tone: Tone; receipt: NonNullable<AgentSummary['lastPolicyReceipt']> }
  | { kind: 'event'; at: string; tone: Tone; event: StoredEvent }
  | { kind: 'audit'; at: string; tone: Tone; entry: AuditEntry };

/** problem: red, something wrong on this host; warning: amber; normal: no colour. */
export type Tone = 'problem' | 'warning' | 'normal';

/** The agent's reports that belong on its timeline (the rest are in "recent events"). */
export const TIMELINE_EVENT_TYPES = ['agent', 'policy', 'gap'] as const;

/** A refused policy or exception is tampering (the fleet overview's tamper condition); a gap lost events. */
function eventTone(event: StoredEvent): Tone {
  if ((event.type === 'policy' || event.type === 'agent') && event.action === 'blocked') return 'problem';
  if (event.type === 'gap' || event.severity === 'high' || event.severity === 'critical') return 'warning';
  return 'normal';
}

/** Every entry newest first; an event reported twice (two queries overlapping) appears once. */
export function buildTimeline(agent: AgentSummary, events: readonly StoredEvent[], audit: readonly AuditEntry[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [{ kind: 'enrolled', at: agent.enrolledAt, tone: 'normal' }];
  if (!agent.online && !agent.revoked && agent.lastSeenAt !== null) entries.push({ kind: 'last-contact', at: agent.lastSeenAt, tone: 'normal' });
  const receipt = agent.lastPolicyReceipt;
  if (receipt) entries.push({ kind: 'receipt', at: receipt.receivedAt, tone: receipt.status === 'rejected' ? 'problem' : 'normal', receipt });
  const seen = new Set<number>();
  for (const event of events) {
    if (seen.has(event.seq)) continue;
    seen.add(event.seq);
    entries.push({ kind: 'event', at: event.placedAt ?? event.occurredAt, tone: eventTone(event), event });
  }
  for (const entry of audit) entries.push({ kind: 'audit', at: entry.at, tone: 'normal', entry });
  // Newest first; equal times keep the order above (stable sort).
  return entries.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}
