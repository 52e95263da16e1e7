/** Pages whose filters a person may save (the `saved_filters.page` column's values). */
export type SavedFilterPage = 'agents';

/** One named filter set of one person; `filtersJson` is the page's validated filter object as JSON. */
export interface SavedFilterRecord {
  id: string;
  userId: string;
  page: SavedFilterPage;
  name: string;
  filtersJson: string;
  createdAt: string;
  updatedAt: string;
}

/** People's saved filters (part of StoreRepositories). Every read and write is scoped to one user. */
export interface SavedFilterRepository {
  /** The user's filters of `page`, by name. */
  list(userId: string, page: SavedFilterPage): Promise<SavedFilterRecord[]>;
  /**
   * Inserts `filter`, or, when the user already has one of that name on that page, replaces its
   * filters and `updatedAt` (keeping its id and `createdAt`). Returns the stored row.
   */
  save(filter: SavedFilterRecord): Promise<{ record: SavedFilterRecord; created: boolean }>;
  /** How many filters the user keeps on `page`. */
  count(userId: string, page: SavedFilterPage): Promise<number>;
  /** Deletes the user's filter; false when the user has none with that id. */
  delete(userId: string, id: string): Promise<boolean>;
}
