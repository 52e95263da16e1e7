import type { Migration } from '@dlp/shared/node';

/**
 * Schema history for groups, the policy lifecycle, exceptions and unlock keys (ids 20–29; the audit
 * and user migrations use 10–19). Applied migrations are never edited: a change is a new entry.
 */
export const LIFECYCLE_MIGRATIONS: readonly Migration[] = [
  {
    id: 20,
    name: 'policy drafts, exceptions, unlock keys',
    sql: `
      -- Unsigned work in progress on a policy; publishing one signs a new version and deletes it.
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

      -- Where a version came from: 'draft', 'rollback:<version>', 'reassign', 'save'.
      ALTER TABLE policy_versions ADD COLUMN origin TEXT;
      -- Published versions are what agents hold; the database refuses to rewrite history.
      CREATE TRIGGER policy_versions_no_update BEFORE UPDATE ON policy_versions
        BEGIN SELECT RAISE(ABORT, 'policy versions are immutable'); END;
      CREATE TRIGGER policy_versions_no_delete BEFORE DELETE ON policy_versions
        BEGIN SELECT RAISE(ABORT, 'policy versions are immutable'); END;

      INSERT INTO counters (name, value) VALUES ('exception_serial', 0);

      -- The per-agent key offline unlock codes are made with. The console must read it to issue
      -- codes, so it is stored as is (the data dir is root-only, like the signing key).
      CREATE TABLE agent_unlock_keys (
        agent_id TEXT PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
        unlock_key BLOB NOT NULL,
        created_at TEXT NOT NULL
      );

      CREATE TABLE exceptions (
        id TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        -- Chosen by the agent, so a resent request is filed once.
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
        expires_at_ms INTEGER,
        revoked_at TEXT,
        serial INTEGER UNIQUE,
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
];
