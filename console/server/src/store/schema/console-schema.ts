import type { Migration } from '@dlp/shared/node';
import { ALERT_MIGRATIONS } from './migrations/alerts';
import { EVENT_SEARCH_MIGRATIONS } from './migrations/event-search';
import { FLEET_MIGRATIONS } from './migrations/fleet';
import { FOUNDATION_MIGRATIONS } from './migrations/foundation';
import { LIFECYCLE_MIGRATIONS } from './migrations/lifecycle';
import { REPORT_MIGRATIONS } from './migrations/reports';
import { renderMigrations } from './render-migration';
import type { SchemaMigration } from './schema-source';

/**
 * Every migration of the console database, all areas, written once (ids are unique across the
 * lists; each area owns a decade). Both stores apply the rendering for their engine.
 */
export const CONSOLE_SCHEMA: readonly SchemaMigration[] = [
  ...FOUNDATION_MIGRATIONS,
  ...LIFECYCLE_MIGRATIONS,
  ...EVENT_SEARCH_MIGRATIONS,
  ...REPORT_MIGRATIONS,
  ...ALERT_MIGRATIONS,
  ...FLEET_MIGRATIONS,
].sort((a, b) => a.id - b.id);

export const SQLITE_MIGRATIONS: readonly Migration[] = renderMigrations('sqlite', CONSOLE_SCHEMA);
export const PG_MIGRATIONS: readonly Migration[] = renderMigrations('postgres', CONSOLE_SCHEMA);
