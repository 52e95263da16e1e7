import type { Migration } from '@dlp/shared/node';

/**
 * Group binding (id 65, issue 12 item 8): each agent's move counter, the serial of the signed
 * "agent X is in group G" statement the gateway sends. Existing agents start at 1. The same SQL on both stores.
 */
export const GROUP_BINDING_MIGRATIONS: readonly Migration[] = [
  {
    id: 65,
    name: 'agent group serial',
    sql: 'ALTER TABLE agents ADD COLUMN group_serial BIGINT NOT NULL DEFAULT 1;',
  },
];
