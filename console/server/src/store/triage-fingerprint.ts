import { createHash } from 'node:crypto';
import type { StoredEvent } from '@dlp/shared';
import type { TriageGroupKey } from './triage-store';

/**
 * The group of identical events an event belongs to: same agent, type, rule and subject identity
 * (`subjectKey`, computed by the store from the event so its joins and this key agree). The
 * fingerprint is a hash of those parts, so it is short, opaque and safe in a URL.
 */
export function triageGroupKey(event: Pick<StoredEvent, 'agentId' | 'type' | 'ruleId'>, subjectKey: string): TriageGroupKey {
  const ruleKey = event.ruleId ?? '';
  // JSON array: unambiguous separation of parts whatever characters they hold.
  const fingerprint = createHash('sha256').update(JSON.stringify([event.agentId, event.type, ruleKey, subjectKey]), 'utf8').digest('base64url');
  return { fingerprint, agentId: event.agentId, type: event.type, ruleKey, subjectKey };
}
