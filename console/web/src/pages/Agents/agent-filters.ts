import { agentCondition, agentInfo, agentSortKey, type AgentCondition, type AgentInfo, type AgentSortKey } from '@dlp/shared';
import type { AgentTableQuery } from '../../api/agents-api';

/** Rows per page of the agent table: one screen or two of ~36 px rows, cheap to render. */
export const AGENT_PAGE_SIZE = 100;

/** The agent table's filters as they stand in the address (`#/agents?condition=fail-open&os=linux&page=2`). */
export interface AgentFilters {
  q: string;
  condition: AgentCondition | undefined;
  os: AgentInfo['os'] | undefined;
  group: string;
  sort: AgentSortKey;
  order: 'asc' | 'desc';
  /** 1-based. */
  page: number;
}

export const NO_AGENT_FILTERS: AgentFilters = { q: '', condition: undefined, os: undefined, group: '', sort: 'host', order: 'asc', page: 1 };

/** Reads the filters from the address; anything unknown falls back to "no filter" (an old bookmark still opens). */
export function filtersFromParams(params: URLSearchParams): AgentFilters {
  const condition = agentCondition.safeParse(params.get('condition'));
  const os = agentInfo.shape.os.safeParse(params.get('os'));
  const sort = agentSortKey.safeParse(params.get('sort'));
  const page = Number(params.get('page') ?? '1');
  return {
    q: (params.get('q') ?? '').slice(0, 200),
    condition: condition.success ? condition.data : undefined,
    os: os.success ? os.data : undefined,
    group: /^[A-Za-z0-9-]{1,64}$/.test(params.get('group') ?? '') ? (params.get('group') ?? '') : '',
    sort: sort.success ? sort.data : NO_AGENT_FILTERS.sort,
    order: params.get('order') === 'desc' ? 'desc' : 'asc',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
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
    page: filters.page === 1 ? undefined : String(filters.page),
  };
}

/** The console request for one page of the table. */
export function tableQueryOf(filters: AgentFilters): AgentTableQuery {
  const query: AgentTableQuery = { sort: filters.sort, order: filters.order, offset: (filters.page - 1) * AGENT_PAGE_SIZE, limit: AGENT_PAGE_SIZE };
  const q = filters.q.trim();
  if (q !== '') query.search = q;
  if (filters.condition) query.condition = filters.condition;
  if (filters.os) query.os = filters.os;
  if (filters.group !== '') query.groupId = filters.group;
  return query;
}

/** Whether any filter narrows the list (sort and page do not). */
export function isFiltered(filters: AgentFilters): boolean {
  return filters.q.trim() !== '' || filters.condition !== undefined || filters.os !== undefined || filters.group !== '';
}
