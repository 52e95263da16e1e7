import { sampleEvent, type AgentEvent } from '@dlp/shared';

/** A mix close to what a locked-down fleet reports: mostly blocked apps, some USB, a few captures. */
const KINDS: Array<Partial<AgentEvent>> = [
  { type: 'app', action: 'blocked', severity: 'medium', ruleId: 'block-tool' },
  { type: 'app', action: 'blocked', severity: 'high', ruleId: 'block-remote-admin' },
  { type: 'app', action: 'would-block', severity: 'low', ruleId: 'monitor-archivers' },
  { type: 'screen-capture', action: 'blocked', severity: 'high', ruleId: 'screen-capture-tools' },
];

/** One event as the agent would record it (valid against the shared event schema). */
export function simulatedEvent(seq: number, host: string, user: string): AgentEvent {
  const kind = KINDS[seq % KINDS.length] ?? {};
  return sampleEvent({ ...kind, seq, host, user, occurredAt: new Date().toISOString() });
}
