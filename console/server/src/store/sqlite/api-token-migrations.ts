import type { Migration } from '@dlp/shared/node';

/** API token scopes (id 61): existing tokens keep working as REST API tokens. The same SQL on both stores. */
export const API_TOKEN_MIGRATIONS: readonly Migration[] = [
  {
    id: 61,
    name: 'api token scopes',
    sql: "ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'api' CHECK (scope IN ('api', 'metrics'));",
  },
];
