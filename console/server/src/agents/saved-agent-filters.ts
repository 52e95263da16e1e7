import { agentFilterSet, MAX_SAVED_FILTERS, uuidv7, type AgentFilterSet, type SavedAgentFilter, type SaveAgentFilterRequest } from '@dlp/shared';
import type { SavedFilterRecord } from '../store/saved-filter-store';
import type { ConsoleStore } from '../store/store';
import { notFound, ServiceError } from '../service-kit/service-error';

/** The page column of the agent table's filters. */
const PAGE = 'agents';

function toView(record: SavedFilterRecord): SavedAgentFilter {
  // Written by this service from a validated set; parsed again so a bad row fails loudly.
  const filters: AgentFilterSet = agentFilterSet.parse(JSON.parse(record.filtersJson));
  return { id: record.id, name: record.name, filters, createdAt: record.createdAt, updatedAt: record.updatedAt };
}

/**
 * A person's named filter sets of the agent table. Every call is scoped to the caller's user id:
 * nobody reads, replaces or deletes another person's filters (theirs are simply not found).
 */
export class SavedAgentFilters {
  constructor(private readonly store: ConsoleStore) {}

  async list(userId: string): Promise<SavedAgentFilter[]> {
    return (await this.store.savedFilters.list(userId, PAGE)).map(toView);
  }

  /**
   * Saves `request.filters` under `request.name`, replacing the caller's set of that name;
   * 409 `saved_filters_full` when a new name would pass {@link MAX_SAVED_FILTERS}.
   */
  async save(userId: string, request: SaveAgentFilterRequest): Promise<{ filter: SavedAgentFilter; created: boolean }> {
    const now = new Date().toISOString();
    return this.store.transaction(async (tx) => {
      const existing = (await tx.savedFilters.list(userId, PAGE)).some((filter) => filter.name === request.name);
      if (!existing && (await tx.savedFilters.count(userId, PAGE)) >= MAX_SAVED_FILTERS) {
        throw new ServiceError('conflict', 'saved_filters_full', `At most ${MAX_SAVED_FILTERS} saved filters: delete one first.`);
      }
      const { record, created } = await tx.savedFilters.save({
        id: uuidv7(),
        userId,
        page: PAGE,
        name: request.name,
        filtersJson: JSON.stringify(agentFilterSet.parse(request.filters)),
        createdAt: now,
        updatedAt: now,
      });
      return { filter: toView(record), created };
    });
  }

  /** 404 `not_found` unless the caller has a saved filter with this id. */
  async delete(userId: string, id: string): Promise<void> {
    if (!(await this.store.savedFilters.delete(userId, id))) throw notFound('saved filter', id);
  }
}
