import type { Migration } from '@dlp/shared/node';

/**
 * Enrollment hygiene (id 63): enroll secrets get an optional use limit, expiry, approval and rate;
 * agents that used a secret needing approval wait in `enroll_requests`. The same SQL on both stores
 * (booleans are 0/1 integers). Existing secrets keep no limits; their uses are counted from agents.
 */
export const ENROLLMENT_MIGRATIONS: readonly Migration[] = [
  {
    id: 63,
    name: 'enroll secret limits and approval',
    sql: `
      ALTER TABLE enroll_secrets ADD COLUMN max_uses INTEGER;
      ALTER TABLE enroll_secrets ADD COLUMN use_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE enroll_secrets ADD COLUMN expires_at TEXT;
      ALTER TABLE enroll_secrets ADD COLUMN needs_approval INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE enroll_secrets ADD COLUMN rate_per_minute INTEGER;
      UPDATE enroll_secrets SET use_count = (SELECT COUNT(*) FROM agents WHERE agents.enroll_secret_id = enroll_secrets.id);
      CREATE TABLE enroll_requests (
        id TEXT PRIMARY KEY,
        enroll_secret_id TEXT NOT NULL,
        request_key_hash TEXT NOT NULL,
        hostname TEXT NOT NULL,
        agent_info TEXT NOT NULL,
        remote_address TEXT,
        requested_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'enrolled')),
        decided_by TEXT,
        decided_at TEXT,
        agent_id TEXT,
        UNIQUE (enroll_secret_id, request_key_hash)
      );
      CREATE INDEX enroll_requests_by_status ON enroll_requests (status, requested_at);
    `,
  },
];
