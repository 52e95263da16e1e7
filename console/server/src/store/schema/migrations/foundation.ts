import { addColumn, col, createIndex, createTable, refuseChanges, required, sql, type SchemaMigration } from '../schema-source';

const ROLES = ['admin', 'officer', 'auditor'] as const;

/**
 * Users, sessions, policies, groups, agents and events (1); the audit log (10); accounts: lockout,
 * password rotation, settings and API tokens (11, 61). Timestamps are ISO-8601 UTC text (sortable)
 * except where filtering needs numbers (Unix ms, `bigint`).
 */
export const FOUNDATION_MIGRATIONS: readonly SchemaMigration[] = [
  {
    id: 1,
    name: 'foundation',
    steps: [
      createTable('users', {
        columns: {
          id: col.text({ primaryKey: true }),
          username: col.sortedText({ ...required, unique: true }),
          role: col.text({ ...required, oneOf: ROLES }),
          password_hash: col.text(required),
          created_at: col.text(required),
          disabled: col.flag({ ...required, default: 0 }),
        },
      }),
      createTable('sessions', {
        columns: {
          token_hash: col.text({ primaryKey: true }),
          user_id: col.text({ ...required, references: { table: 'users', column: 'id', onDelete: 'CASCADE' } }),
          created_at: col.text(required),
          expires_at_ms: col.bigint(required),
        },
      }),
      createIndex('sessions_user', 'sessions', ['user_id']),
      createTable('counters', { columns: { name: col.text({ primaryKey: true }), value: col.bigint(required) } }),
      sql("INSERT INTO counters (name, value) VALUES ('policy_serial', 0)"),
      createTable('policies', {
        columns: {
          id: col.text({ primaryKey: true }),
          name: col.sortedText(required),
          mode: col.text(required),
          current_version: col.integer(required),
          current_serial: col.bigint(required),
          published_at: col.text(required),
          created_at: col.text(required),
        },
      }),
      // Immutable (refused in 20): rows are inserted, never updated. signed_json is the bundle exactly as signed.
      createTable('policy_versions', {
        columns: {
          policy_id: col.text({ ...required, references: { table: 'policies', column: 'id' } }),
          version: col.integer(required),
          serial: col.bigint({ ...required, unique: true }),
          name: col.text(required),
          mode: col.text(required),
          published_at: col.text(required),
          signed_json: col.text(required),
        },
        primaryKey: ['policy_id', 'version'],
      }),
      createTable('groups', {
        columns: {
          id: col.text({ primaryKey: true }),
          name: col.sortedText({ ...required, unique: true }),
          policy_id: col.text({ references: { table: 'policies', column: 'id' } }),
          built_in: col.flag({ ...required, default: 0 }),
          created_at: col.text(required),
        },
      }),
      createIndex('groups_policy', 'groups', ['policy_id']),
      createTable('enroll_secrets', {
        columns: {
          id: col.text({ primaryKey: true }),
          label: col.text(required),
          secret_hash: col.text({ ...required, unique: true }),
          group_id: col.text({ ...required, references: { table: 'groups', column: 'id' } }),
          created_at: col.text(required),
        },
      }),
      createTable('agents', {
        columns: {
          id: col.text({ primaryKey: true }),
          token_hash: col.text(required),
          group_id: col.text({ ...required, references: { table: 'groups', column: 'id' } }),
          enroll_secret_id: col.text(),
          info_json: col.text(required),
          enrolled_at: col.text(required),
          last_seen_at: col.text(),
          online: col.flag({ ...required, default: 0 }),
          // Which console node holds the agent's connection, so one node's start-up or late
          // disconnect never marks agents served by another node offline.
          online_node: col.text({ postgresOnly: 'several console nodes share one PostgreSQL; a SQLite console is one node' }),
          revoked_at: col.text(),
          policy_serial: col.bigint(),
          capabilities_json: col.text(),
          acked_seq: col.bigint({ ...required, default: 0 }),
          receipt_serial: col.bigint(),
          receipt_hash: col.text(),
          receipt_status: col.text(),
          receipt_error: col.text(),
          receipt_at: col.text(),
        },
      }),
      createIndex('agents_group', 'agents', ['group_id']),
      // row_id is the ingest order used for keyset pagination; (agent_id, seq) makes ingest idempotent.
      // Few indexes on purpose: each one costs ingest throughput. No foreign key on agent_id: rows
      // come only from authenticated agent connections, and the per-row lookup would cost ingest.
      createTable('events', {
        columns: {
          row_id: col.rowId(),
          event_id: col.text(required),
          agent_id: col.text(required),
          seq: col.bigint(required),
          occurred_at_ms: col.bigint(required),
          received_at: col.text(required),
          type: col.text(required),
          action: col.text(required),
          severity: col.text(required),
          rule_id: col.text(),
          sha256: col.text(),
          json: col.text(required),
        },
        unique: [['agent_id', 'seq']],
      }),
      createIndex('events_occurred_at', 'events', ['occurred_at_ms']),
    ],
  },
  {
    id: 10,
    name: 'audit log',
    steps: [
      // Append-only, hash-chained (see services/audit-chain.ts). prev_hash is UNIQUE so two writers
      // can never fork the chain even if one bypassed the transaction. Ids are given by the chain.
      createTable('audit_log', {
        columns: {
          id: col.bigint({ primaryKey: true }),
          at: col.text(required),
          actor_id: col.text(),
          actor_username: col.text(),
          actor_role: col.text(),
          actor_system: col.text(),
          action: col.text(required),
          target_type: col.text(),
          target_id: col.text(),
          before_json: col.text(),
          after_json: col.text(),
          source_ip: col.text(),
          prev_hash: col.text({ ...required, unique: true }),
          hash: col.text({ ...required, unique: true }),
        },
      }),
      createIndex('audit_log_at', 'audit_log', ['at']),
      refuseChanges('audit_log', 'append-only', ['update', 'delete']),
    ],
  },
  {
    id: 11,
    name: 'accounts: lockout, password rotation, settings, API tokens',
    steps: [
      addColumn('users', 'password_changed_at', col.text()),
      sql('UPDATE users SET password_changed_at = created_at'),
      addColumn('users', 'must_change_password', col.flag({ ...required, default: 0 })),
      addColumn('users', 'failed_logins', col.integer({ ...required, default: 0 })),
      addColumn('users', 'locked_until_ms', col.bigint()),
      createTable('settings', { columns: { name: col.text({ primaryKey: true }), value_json: col.text(required) } }),
      // Only SHA-256 hashes of tokens; revoked rows stay as evidence of what existed.
      createTable('api_tokens', {
        columns: {
          id: col.text({ primaryKey: true }),
          name: col.text(required),
          role: col.text({ ...required, oneOf: ROLES }),
          token_hash: col.text({ ...required, unique: true }),
          created_by: col.text({ ...required, references: { table: 'users', column: 'id' } }),
          created_at: col.text(required),
          expires_at_ms: col.bigint(),
          revoked_at: col.text(),
          last_used_at: col.text(),
        },
      }),
    ],
  },
  {
    id: 61,
    name: 'api token scopes',
    // Existing tokens keep working as REST API tokens.
    steps: [addColumn('api_tokens', 'scope', col.text({ ...required, default: 'api', oneOf: ['api', 'metrics'] }))],
  },
];
