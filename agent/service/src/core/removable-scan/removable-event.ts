/**
 * A removable-media finding as a `content` event (channel `removable-media`): path, size, hash,
 * distinct values per detector and redacted samples only.
 */
import { bulkSeverity } from '../../enforce/content/content-verdict';
import { contentFileSubject } from '../controls/content-agent-control';
import type { EventInput } from '../event-factory';
import type { RemovableFinding } from './removable-file-scan';

/** What happened, as the rule id an officer filters on (the policy has no content rule ids yet). */
export function removableRuleIdOf(finding: RemovableFinding): string {
  if (finding.verdict === 'changed') return 'content:unreadable:changed-while-scanned';
  if (finding.verdict === 'unreadable') return `content:unreadable:${finding.unreadable ?? 'unknown'}`;
  switch (finding.outcome) {
    case 'quarantined':
      return 'content:quarantined';
    case 'deleted':
      return 'content:deleted';
    case 'quarantine-failed':
      return 'content:quarantine-failed';
    case 'delete-failed':
      return 'content:delete-failed';
    default:
      return 'content:bulk-pii';
  }
}

/**
 * Bulk customer data is `blocked` once moved or deleted, `would-block` while it stays on the media
 * (report action, monitor mode, or the action failed: high severity at least then). A file that
 * could not be read, or kept changing, is news for the officer: `info`.
 */
export function removableEventOf(finding: RemovableFinding): EventInput {
  const bulk = finding.verdict === 'bulk';
  const failed = finding.outcome === 'quarantine-failed' || finding.outcome === 'delete-failed';
  const stopped = finding.outcome === 'quarantined' || finding.outcome === 'deleted';
  const bulkLevel = bulkSeverity(finding.matches);
  const severity = !bulk ? (finding.unreadable === 'encrypted' ? 'medium' : 'low') : failed && bulkLevel === 'medium' ? 'high' : bulkLevel;
  return {
    type: 'content',
    action: !bulk ? 'info' : stopped ? 'blocked' : 'would-block',
    severity,
    ruleId: removableRuleIdOf(finding),
    policySerial: finding.policySerial,
    uid: finding.ownerUid,
    subject: { ...contentFileSubject(finding), channel: 'removable-media' },
  };
}
