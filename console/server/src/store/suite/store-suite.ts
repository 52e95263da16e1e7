import type { ConsoleStore } from '../store';

/**
 * One behaviour suite for every store implementation (SQLite and PostgreSQL): each area of the store
 * contributes a `*.store-suite.ts` file exporting a function that declares its `it(...)` cases against
 * `context.store`, and each implementation's runner (`store-suite.<impl>.test.ts`) calls them all.
 */
export interface StoreSuiteContext {
  /** A fresh, migrated, empty store for the current test (opened in beforeEach, closed in afterEach). */
  readonly store: ConsoleStore;
  /** Closes and reopens the same database (to check persistence and idempotent migrations). */
  reopen(): Promise<ConsoleStore>;
}

export type StoreSuite = (context: StoreSuiteContext) => void;
