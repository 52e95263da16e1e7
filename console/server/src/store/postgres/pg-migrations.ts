import type { Migration } from '@dlp/shared/node';

/**
 * Schema history of the PostgreSQL store, numbered like the SQLite migrations they mirror (1, 10,
 * 11, 20; other areas own their decades). Applied migrations are never edited: a change is a new
 * entry. Column types follow the SQLite schema so the portable repositories read the same values:
 * flags are INTEGER 0/1, timestamps ISO-8601 text, Unix-ms numbers BIGINT (parsed back to numbers).
 * Text that is sorted or range-compared is COLLATE "C": byte order, as in SQLite, whatever the
 * database's locale (a locale collation would reorder names and break prefix ranges).
 */
export const PG_CONSOLE_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'foundation',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT COLLATE "C" NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'auditor')),
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at_ms BIGINT NOT NULL
      );
      CREATE INDEX sessions_user ON sessions (user_id);

      CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        value BIGINT NOT NULL
      );
      INSERT INTO counters (name, value) VALUES ('policy_serial', 0);

      CREATE TABLE policies (
        id TEXT PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL,
        mode TEXT NOT NULL,
        current_version INTEGER NOT NULL,
        current_serial BIGINT NOT NULL,
        published_at TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      CREATE TABLE policy_versions (
        policy_id TEXT NOT NULL REFERENCES policies (id),
        version INTEGER NOT NULL,
        serial BIGINT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        mode TEXT NOT NULL,
        published_at TEXT NOT NULL,
        signed_json TEXT NOT NULL,
        PRIMARY KEY (policy_id, version)
      );

      CREATE TABLE groups (
        id TEXT PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL UNIQUE,
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

      -- online_node: which console node holds the agent's connection, so one node's start-up or
      -- late disconnect never marks agents served by another node offline.
      CREATE TABLE agents (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL,
        group_id TEXT NOT NULL REFERENCES groups (id),
        enroll_secret_id TEXT,
        info_json TEXT NOT NULL,
        enrolled_at TEXT NOT NULL,
        last_seen_at TEXT,
        online INTEGER NOT NULL DEFAULT 0,
        online_node TEXT,
        revoked_at TEXT,
        policy_serial BIGINT,
        capabilities_json TEXT,
        acked_seq BIGINT NOT NULL DEFAULT 0,
        receipt_serial BIGINT,
        receipt_hash TEXT,
        receipt_status TEXT,
        receipt_error TEXT,
        receipt_at TEXT
      );
      CREATE INDEX agents_group ON agents (group_id);

      -- row_id is the ingest order used for keyset pagination; (agent_id, seq) makes ingest idempotent.
      CREATE TABLE events (
        row_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        occurred_at_ms BIGINT NOT NULL,
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
      CREATE TABLE audit_log (
        id BIGINT PRIMARY KEY,
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
      CREATE FUNCTION dlp_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '% is %', TG_TABLE_NAME, TG_ARGV[0]; END;
      $$;
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION dlp_refuse_change('append-only');
      -- Row triggers do not see TRUNCATE.
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION dlp_refuse_change('append-only');
    `,
  },
  {
    id: 11,
    name: 'accounts: lockout, password rotation, settings, API tokens',
    sql: `
      ALTER TABLE users ADD COLUMN password_changed_at TEXT;
      ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN locked_until_ms BIGINT;

      CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      );

      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'auditor')),
        token_hash TEXT NOT NULL UNIQUE,
        created_by TEXT NOT NULL REFERENCES users (id),
        created_at TEXT NOT NULL,
        expires_at_ms BIGINT,
        revoked_at TEXT,
        last_used_at TEXT
      );
    `,
  },
  {
    id: 20,
    name: 'policy drafts, exceptions, unlock keys',
    sql: `
      CREATE TABLE policy_drafts (
        id TEXT PRIMARY KEY,
        policy_id TEXT NOT NULL REFERENCES policies (id),
        base_version INTEGER NOT NULL,
        name TEXT NOT NULL,
        mode TEXT NOT NULL,
        document_json TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX policy_drafts_policy ON policy_drafts (policy_id);

      ALTER TABLE policy_versions ADD COLUMN origin TEXT;
      -- Published versions are what agents hold; the database refuses to rewrite history.
      CREATE TRIGGER policy_versions_immutable BEFORE UPDATE OR DELETE ON policy_versions
        FOR EACH ROW EXECUTE FUNCTION dlp_refuse_change('immutable');
      CREATE TRIGGER policy_versions_no_truncate BEFORE TRUNCATE ON policy_versions
        FOR EACH STATEMENT EXECUTE FUNCTION dlp_refuse_change('immutable');

      INSERT INTO counters (name, value) VALUES ('exception_serial', 0);

      CREATE TABLE agent_unlock_keys (
        agent_id TEXT PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
        unlock_key BYTEA NOT NULL,
        created_at TEXT NOT NULL
      );

      CREATE TABLE exceptions (
        id TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        request_id TEXT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'denied', 'revoked')),
        target_json TEXT NOT NULL,
        justification TEXT NOT NULL,
        requested_minutes INTEGER NOT NULL,
        requested_by TEXT,
        created_by_json TEXT,
        requested_at TEXT NOT NULL,
        decided_by_json TEXT,
        decided_at TEXT,
        decision_note TEXT,
        granted_minutes INTEGER,
        expires_at TEXT,
        expires_at_ms BIGINT,
        revoked_at TEXT,
        serial BIGINT UNIQUE,
        signed_json TEXT,
        delivery_status TEXT,
        delivery_action TEXT,
        delivery_error TEXT,
        delivery_at TEXT,
        UNIQUE (agent_id, request_id)
      );
      CREATE INDEX exceptions_agent_state ON exceptions (agent_id, state);
    `,
  },
  {
    id: 90,
    name: 'cluster node liveness',
    // Each node stamps its row every few seconds; the others mark agents held by a silent node
    // offline, so a node that died for good does not leave its agents "online" (cluster/node-liveness.ts).
    sql: `
      CREATE TABLE cluster_nodes (
        node_id TEXT PRIMARY KEY,
        seen_at_ms BIGINT NOT NULL
      );
    `,
  },
];
