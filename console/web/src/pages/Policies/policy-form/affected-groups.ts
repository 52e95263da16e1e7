import type { GroupSummary } from '@dlp/shared';
import type { MessageKey } from '../../../i18n';

/** A group that enforces the policy and how many hosts (non-revoked agents) it holds. */
export interface AffectedGroup {
  id: string;
  name: string;
  hosts: number;
}

/** The groups assigned to `policyId`, by name. */
export function affectedGroups(groups: readonly GroupSummary[], policyId: string): AffectedGroup[] {
  return groups
    .filter((group) => group.policyId === policyId)
    .map((group) => ({ id: group.id, name: group.name, hosts: group.agentCount ?? 0 }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** `Finance (12 hosts), Traders (30 hosts)`: the groups named with their host counts. */
export function describeGroups(groups: readonly AffectedGroup[], t: Translate): string {
  return groups.map((group) => t('pf.confirm.groupHosts', { group: group.name, count: group.hosts })).join(t('pf.confirm.listSeparator'));
}

/** Hosts in all of the groups. */
export function totalHosts(groups: readonly AffectedGroup[]): number {
  return groups.reduce((sum, group) => sum + group.hosts, 0);
}
