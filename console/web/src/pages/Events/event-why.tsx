import type { EventContext, StoredEvent } from '@dlp/shared';
import type { I18n } from '../../i18n';

/**
 * The policy behind an event: name and version when the console published the serial the agent
 * reported, else the bare serial; the serial is always in the tooltip.
 */
export function policyText(event: StoredEvent, context: EventContext, t: I18n['t']): { text: string; title?: string } {
  const serial = event.policySerial;
  if (serial === null) return { text: t('search.policy.none') };
  if (context.policy === null) return { text: t('search.policy.unknown', { serial }) };
  return { text: t('search.policy.named', { name: context.policy.name, version: context.policy.version }), title: t('search.policy.serial', { serial }) };
}

/** The group the agent was in when the event arrived (by id when the group was deleted since). */
export function groupText(context: EventContext, t: I18n['t']): string {
  if (context.group === null) return t('search.group.unknown');
  return context.group.name ?? t('search.group.deleted', { id: context.group.id });
}
