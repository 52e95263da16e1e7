/**
 * The part of a verified policy the removable-media channel applies: the content section's
 * detectors and threshold, and `content.removableMedia` (what to do with a file that holds bulk
 * customer data once it is written onto a stick). Null: the channel is off.
 */
import { piiDetector, type BuiltInDetectorId, type PolicyMode } from '@dlp/shared';
import { DEFAULT_MIN_DISTINCT } from '../../enforce/content/content-verdict';
import type { VerifiedPolicy } from '../policy-store';

/** `delete` removes the copy on the media; the file it was copied from stays where it was. */
export type RemovableAction = 'report' | 'quarantine' | 'delete';

export interface RemovablePolicy {
  serial: number;
  mode: PolicyMode;
  detectors: readonly BuiltInDetectorId[];
  minDistinct: number;
  action: RemovableAction;
}

export function removablePolicyOf(policy: VerifiedPolicy | null): RemovablePolicy | null {
  if (!policy) return null;
  const { document, serial } = policy.signed.bundle;
  const { content } = document;
  if (!content.enabled || !content.removableMedia?.enabled) return null;
  return {
    serial,
    mode: document.mode,
    // No detector named: every one the policy schema offers, as the watched folders do.
    detectors: content.detectors.length > 0 ? content.detectors : piiDetector.options,
    minDistinct: content.minDistinct ?? DEFAULT_MIN_DISTINCT,
    action: content.removableMedia.action,
  };
}
