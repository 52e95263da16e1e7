import type { Migration } from '@dlp/shared/node';

/**
 * Schema history of console.sqlite. Applied migrations are never edited: a change is a new entry.
 * Timestamps are ISO-8601 UTC text (sortable) except where filtering needs numbers (Unix ms).
 */
export const CONSOLE_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'foundation',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'auditor')),
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions (user_id);

      CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      );
      INSERT INTO counters (name, value) VALUES ('policy_serial', 0);

      CREATE TABLE policies (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        mode TEXT NOT NULL,
        current_version INTEGER NOT NULL,
        current_serial INTEGER NOT NULL,
        published_at TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      -- Immutable: rows are inserted, never updated. signed_json is the bundle exactly as signed.
      CREATE TABLE policy_versions (
        policy_id TEXT NOT NULL REFERENCES policies (id),
        version INTEGER NOT NULL,
        serial INTEGER NOT NULL UNIQUE,
        name TEXT NOT NULL,
        mode TEXT NOT NULL,
        published_at TEXT NOT NULL,
        signed_json TEXT NOT NULL,
        PRIMARY KEY (policy_id, version)
      );

      CREATE TABLE groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        policy_id TEXT REFERENCES policies (id),
        built_in INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      );
      CREATE INDEX groups_policy ON groups (policy_id);

      CREATE TABLE enroll_secrets (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        secret_hash TEXT NOT NULL UNIQUE,
        group_id TEXT NOT NULL REFERENCES groups (id),
        created_at TEXT NOT NULL
      );

      CREATE TABLE agents (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL,
        group_id TEXT NOT NULL REFERENCES groups (id),
        enroll_secret_id TEXT,
        info_json TEXT NOT NULL,
        enrolled_at TEXT NOT NULL,
        last_seen_at TEXT,
        online INTEGER NOT NULL DEFAULT 0,
        revoked_at TEXT,
        policy_serial INTEGER,
        capabilities_json TEXT,
        acked_seq INTEGER NOT NULL DEFAULT 0,
        receipt_serial INTEGER,
        receipt_hash TEXT,
        receipt_status TEXT,
        receipt_error TEXT,
        receipt_at TEXT
      );
      CREATE INDEX agents_group ON agents (group_id);

      -- row_id is the ingest order used for keyset pagination; (agent_id, seq) makes ingest idempotent.
      -- Few indexes on purpose: each one costs ingest throughput.
      CREATE TABLE events (
        row_id INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL,
        -- No foreign key: rows come only from authenticated agent connections, and the per-row
        -- lookup would cost ingest throughput.
        agent_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        occurred_at_ms INTEGER NOT NULL,
        received_at TEXT NOT NULL,
        type TEXT NOT NULL,
        action TEXT NOT NULL,
        severity TEXT NOT NULL,
        rule_id TEXT,
        sha256 TEXT,
        json TEXT NOT NULL,
        UNIQUE (agent_id, seq)
      );
      CREATE INDEX events_occurred_at ON events (occurred_at_ms);
    `,
  },
  {
    id: 10,
    name: 'audit log',
    sql: `
      -- Append-only, hash-chained (see services/audit-chain.ts). prev_hash is UNIQUE so two writers
      -- can never fork the chain even if one bypassed the transaction.
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor_id TEXT,
        actor_username TEXT,
        actor_role TEXT,
        actor_system TEXT,
        action TEXT NOT NULL,
        target_type TEXT,
        target_id TEXT,
        before_json TEXT,
        after_json TEXT,
        source_ip TEXT,
        prev_hash TEXT NOT NULL UNIQUE,
        hash TEXT NOT NULL UNIQUE
      );
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `,
  },
  {
    id: 11,
    name: 'accounts: lockout, password rotation, settings, API tokens',
    sql: `
      ALTER TABLE users ADD COLUMN password_changed_at TEXT;
      UPDATE users SET password_changed_at = created_at;
      ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN locked_until_ms INTEGER;

      CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      );

      -- Only SHA-256 hashes of tokens; revoked rows stay as evidence of what existed.
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'auditor')),
        token_hash TEXT NOT NULL UNIQUE,
        created_by TEXT NOT NULL REFERENCES users (id),
        created_at TEXT NOT NULL,
        expires_at_ms INTEGER,
        revoked_at TEXT,
        last_used_at TEXT
      );
    `,
  },
];
