import { addColumn, col, createIndex, createTable, refuseChanges, required, sql, type SchemaMigration } from '../schema-source';

/** Groups, the policy lifecycle, exceptions and unlock keys (20–29). */
export const LIFECYCLE_MIGRATIONS: readonly SchemaMigration[] = [
  {
    id: 20,
    name: 'policy drafts, exceptions, unlock keys',
    steps: [
      // Unsigned work in progress on a policy; publishing one signs a new version and deletes it.
      createTable('policy_drafts', {
        columns: {
          id: col.text({ primaryKey: true }),
          policy_id: col.text({ ...required, references: { table: 'policies', column: 'id' } }),
          base_version: col.integer(required),
          name: col.text(required),
          mode: col.text(required),
          document_json: col.text(required),
          created_by: col.text(required),
          created_at: col.text(required),
          updated_at: col.text(required),
        },
      }),
      createIndex('policy_drafts_policy', 'policy_drafts', ['policy_id']),
      // Where a version came from: 'draft', 'rollback:<version>', 'reassign', 'save'.
      addColumn('policy_versions', 'origin', col.text()),
      // Published versions are what agents hold; the database refuses to rewrite history.
      refuseChanges('policy_versions', 'immutable', ['update', 'delete']),
      sql("INSERT INTO counters (name, value) VALUES ('exception_serial', 0)"),
      // The per-agent key offline unlock codes are made with. The console must read it to issue
      // codes, so it is stored as is (the data dir is root-only, like the signing key).
      createTable('agent_unlock_keys', {
        columns: {
          agent_id: col.text({ primaryKey: true, references: { table: 'agents', column: 'id', onDelete: 'CASCADE' } }),
          unlock_key: col.bytes(required),
          created_at: col.text(required),
        },
      }),
      createTable('exceptions', {
        columns: {
          id: col.text({ primaryKey: true }),
          agent_id: col.text({ ...required, references: { table: 'agents', column: 'id', onDelete: 'CASCADE' } }),
          // Chosen by the agent, so a resent request is filed once.
          request_id: col.text(),
          state: col.text({ ...required, oneOf: ['pending', 'approved', 'denied', 'revoked'] }),
          target_json: col.text(required),
          justification: col.text(required),
          requested_minutes: col.integer(required),
          requested_by: col.text(),
          created_by_json: col.text(),
          requested_at: col.text(required),
          decided_by_json: col.text(),
          decided_at: col.text(),
          decision_note: col.text(),
          granted_minutes: col.integer(),
          expires_at: col.text(),
          expires_at_ms: col.bigint(),
          revoked_at: col.text(),
          serial: col.bigint({ unique: true }),
          signed_json: col.text(),
          delivery_status: col.text(),
          delivery_action: col.text(),
          delivery_error: col.text(),
          delivery_at: col.text(),
        },
        unique: [['agent_id', 'request_id']],
      }),
      createIndex('exceptions_agent_state', 'exceptions', ['agent_id', 'state']),
    ],
  },
];
