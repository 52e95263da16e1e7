import type { EventSearchFilter, ImpactPart, ImpactReport } from '@dlp/shared';
import type { I18n, MessageKey } from '../../i18n';
import { searchHref } from '../../router/event-search-link';

/** The Search & triage address that shows the events of these drill-down filters. */
export function impactSearchHref(filters: EventSearchFilter): string {
  return searchHref(filters);
}

/** The bucket names, in the order the panel shows them. */
export const BUCKET_NAMES = ['alreadyBlocked', 'newlyBlocked', 'noLongerBlocked'] as const;

/** Title keys of the buckets (typed so `t` checks them). */
export const BUCKET_TITLE: Record<(typeof BUCKET_NAMES)[number], MessageKey> = {
  alreadyBlocked: 'impactPreview.bucket.alreadyBlocked',
  newlyBlocked: 'impactPreview.bucket.newlyBlocked',
  noLongerBlocked: 'impactPreview.bucket.noLongerBlocked',
};

/** A group's name as the report's scope names it (the id when it is not there). */
export function groupNameOf(report: ImpactReport, groupId: string): string {
  return report.scope.groups.find((group) => group.id === groupId)?.name ?? groupId;
}

/** `Trading · Application · reported Allowed`, as people read a part. */
export function partLabelOf(report: ImpactReport, part: ImpactPart, t: I18n['t']): string {
  return t('impactPreview.partLabel', { group: groupNameOf(report, part.groupId), type: t(`type.${part.type}`), action: t(`action.${part.recordedAction}`) });
}
