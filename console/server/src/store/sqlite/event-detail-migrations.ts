import type { Migration } from '@dlp/shared/node';

/**
 * The events table keeps as JSON only what its columns do not hold (id 60; see eventDetailJson in
 * event-queries.ts), so `json` becomes `detail_json`. Rows stored before keep the whole event
 * there: it has every key a detail has (occurredAt as the agent wrote it, policySerial, the whole
 * subject) and reads back the same, so no row is rewritten and the migration is instant however
 * many events are stored. Their extra bytes go with the retention purge. The same SQL on both stores.
 */
export const EVENT_DETAIL_MIGRATIONS: readonly Migration[] = [
  {
    id: 60,
    name: 'events keep only their detail as JSON',
    sql: 'ALTER TABLE events RENAME COLUMN json TO detail_json;',
  },
];
