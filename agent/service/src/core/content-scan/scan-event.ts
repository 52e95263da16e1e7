import { piiDetector, type ScanCriteria, type ScannedFile } from '@dlp/shared';
import { bulkSeverity, DEFAULT_MIN_DISTINCT } from '../../enforce/content/content-verdict';
import { contentFileSubject } from '../controls/content-agent-control';
import type { EventInput } from '../event-factory';
import type { VerifiedPolicy } from '../policy-store';

/**
 * What an on-demand scan judges by: the policy's content detectors (every detector the schema
 * offers when it names none) and its threshold (10 distinct values when it sets none). A scan is
 * asked for explicitly, so it runs whether or not the policy watches folders.
 */
export function scanCriteriaOf(policy: VerifiedPolicy | null): ScanCriteria {
  const content = policy?.signed.bundle.document.content;
  return {
    detectors: content && content.detectors.length > 0 ? [...content.detectors] : [...piiDetector.options],
    minDistinct: content?.minDistinct ?? DEFAULT_MIN_DISTINCT,
    policySerial: policy?.serial ?? null,
  };
}

/**
 * A file with bulk customer data found at rest, as a `content` event (channel `scan`): the path,
 * hash, distinct values per detector, redacted samples, and the threshold and confidence it was
 * judged by (as the other channels' events), about the file's owner. Nothing was moved or stopped,
 * hence `info`; the severity grows with the count as for watched folders.
 */
export function scanEventOf(file: ScannedFile, ownerUid: number, criteria: ScanCriteria): EventInput {
  return {
    type: 'content',
    action: 'info',
    severity: bulkSeverity(file.matches),
    ruleId: 'content:bulk-pii',
    policySerial: criteria.policySerial,
    uid: ownerUid,
    subject: { ...contentFileSubject({ ...file, minDistinct: criteria.minDistinct }), channel: 'scan' },
  };
}
