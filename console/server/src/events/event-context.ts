import type { EventContext, StoredEvent } from '@dlp/shared';
import type { ConsoleStore } from '../store/store';

/** An event with the group its agent was in when the event was ingested. */
export interface EventWithGroup {
  event: StoredEvent;
  groupId: string | null;
}

/**
 * The "why" of events for Search & triage: the name of the group each event's agent was in when it
 * arrived, and the policy name and version behind the serial the agent reported. Two reads per
 * page whatever its length: every group (a console has tens), and the versions of the page's
 * distinct serials (the serial column is unique, so indexed).
 */
export async function eventContexts(store: ConsoleStore, items: readonly EventWithGroup[]): Promise<EventContext[]> {
  if (items.length === 0) return [];
  const serials = [...new Set(items.flatMap(({ event }) => (event.policySerial === null ? [] : [event.policySerial])))];
  const hasGroups = items.some((item) => item.groupId !== null);
  const [groups, versions] = await Promise.all([hasGroups ? store.groups.list() : Promise.resolve([]), store.policies.findBySerials(serials)]);
  const groupName = new Map(groups.map((group) => [group.id, group.name]));
  const versionOf = new Map(versions.map((version) => [version.serial, version]));
  return items.map(({ event, groupId }) => {
    const version = event.policySerial === null ? undefined : versionOf.get(event.policySerial);
    return {
      group: groupId === null ? null : { id: groupId, name: groupName.get(groupId) ?? null },
      policy: version ? { id: version.id, name: version.name, version: version.version, serial: version.serial } : null,
    };
  });
}
