import type { Migration } from '@dlp/shared/node';

/**
 * Agent clock offsets (id 64): agent clock − console clock in ms, smoothed over hello and heartbeats,
 * and when it was last measured. BIGINT: an agent a year off does not fit PostgreSQL's INTEGER.
 * The same SQL on both stores.
 */
export const AGENT_CLOCK_MIGRATIONS: readonly Migration[] = [
  {
    id: 64,
    name: 'agent clock offsets',
    sql: 'ALTER TABLE agents ADD COLUMN clock_offset_ms BIGINT; ALTER TABLE agents ADD COLUMN clock_measured_at TEXT;',
  },
];
