import { agentCondition, agentInfo, agentSortKey, type AgentCondition, type AgentFilterSet, type AgentInfo, type AgentSortKey } from '@dlp/shared';

/** The agent table's filters and sort as they stand in the address (`#/agents?condition=fail-open&os=linux&sort=lastSeen`). */
export interface AgentFilters {
  q: string;
  condition: AgentCondition | undefined;
  os: AgentInfo['os'] | undefined;
  group: string;
  sort: AgentSortKey;
  order: 'asc' | 'desc';
}

export const NO_AGENT_FILTERS: AgentFilters = { q: '', condition: undefined, os: undefined, group: '', sort: 'host', order: 'asc' };

const GROUP_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Reads the filters from the address; anything unknown falls back to "no filter" (an old bookmark,
 * `page=` of the paged table included, still opens).
 */
export function filtersFromParams(params: URLSearchParams): AgentFilters {
  const condition = agentCondition.safeParse(params.get('condition'));
  const os = agentInfo.shape.os.safeParse(params.get('os'));
  const sort = agentSortKey.safeParse(params.get('sort'));
  return {
    q: (params.get('q') ?? '').slice(0, 200),
    condition: condition.success ? condition.data : undefined,
    os: os.success ? os.data : undefined,
    group: GROUP_ID.test(params.get('group') ?? '') ? (params.get('group') ?? '') : '',
    sort: sort.success ? sort.data : NO_AGENT_FILTERS.sort,
    order: params.get('order') === 'desc' ? 'desc' : 'asc',
  };
}

/** The address parameters of `filters`; defaults are left out so plain links stay short. */
export function paramsOfFilters(filters: AgentFilters): Record<string, string | undefined> {
  return {
    q: filters.q.trim() || undefined,
    condition: filters.condition,
    os: filters.os,
    group: filters.group || undefined,
    sort: filters.sort === NO_AGENT_FILTERS.sort ? undefined : filters.sort,
    order: filters.order === 'asc' ? undefined : filters.order,
  };
}

/** The console's filter set of `filters`: what the list, the CSV export and a saved filter take. */
export function filterSetOf(filters: AgentFilters): AgentFilterSet {
  const set: AgentFilterSet = { sort: filters.sort, order: filters.order };
  const q = filters.q.trim();
  if (q !== '') set.search = q;
  if (filters.condition) set.condition = filters.condition;
  if (filters.os) set.os = filters.os;
  if (filters.group !== '') set.groupId = filters.group;
  return set;
}

/** The table's filters of a saved set (the reverse of {@link filterSetOf}). */
export function filtersOfSet(set: AgentFilterSet): AgentFilters {
  return {
    q: set.search ?? '',
    condition: set.condition,
    os: set.os,
    group: set.groupId ?? '',
    sort: set.sort ?? NO_AGENT_FILTERS.sort,
    order: set.order ?? NO_AGENT_FILTERS.order,
  };
}

/** Whether two filter states show the same agents in the same order. */
export function sameFilters(a: AgentFilters, b: AgentFilters): boolean {
  return JSON.stringify(filterSetOf(a)) === JSON.stringify(filterSetOf(b));
}

/** Whether any filter narrows the list (sort does not). */
export function isFiltered(filters: AgentFilters): boolean {
  return filters.q.trim() !== '' || filters.condition !== undefined || filters.os !== undefined || filters.group !== '';
}
