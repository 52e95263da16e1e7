import { addColumn, col, createIndex, createTable, dialectSql, postgresOnlyTable, required, sql, type SchemaMigration } from '../schema-source';
import { AGENT_TABLE_FACTS_BACKFILL } from './agent-table-facts-backfill';

/**
 * Enrollment hygiene (63), agent clocks (64), group binding (65), fleet incidents index (66), saved
 * filters (67), agent table facts (69), cluster node liveness (90).
 */
export const FLEET_MIGRATIONS: readonly SchemaMigration[] = [
  {
    id: 63,
    name: 'enroll secret limits and approval',
    // Enroll secrets get an optional use limit, expiry, approval and rate; agents that used a secret
    // needing approval wait in enroll_requests. Existing secrets keep no limits; their uses are
    // counted from agents.
    steps: [
      addColumn('enroll_secrets', 'max_uses', col.integer()),
      addColumn('enroll_secrets', 'use_count', col.integer({ ...required, default: 0 })),
      addColumn('enroll_secrets', 'expires_at', col.text()),
      addColumn('enroll_secrets', 'needs_approval', col.flag({ ...required, default: 0 })),
      addColumn('enroll_secrets', 'rate_per_minute', col.integer()),
      sql('UPDATE enroll_secrets SET use_count = (SELECT COUNT(*) FROM agents WHERE agents.enroll_secret_id = enroll_secrets.id)'),
      createTable('enroll_requests', {
        columns: {
          id: col.text({ primaryKey: true }),
          enroll_secret_id: col.text(required),
          request_key_hash: col.text(required),
          hostname: col.text(required),
          agent_info: col.text(required),
          remote_address: col.text(),
          requested_at: col.text(required),
          last_seen_at: col.text(required),
          status: col.text({ ...required, oneOf: ['pending', 'approved', 'rejected', 'enrolled'] }),
          decided_by: col.text(),
          decided_at: col.text(),
          agent_id: col.text(),
        },
        unique: [['enroll_secret_id', 'request_key_hash']],
      }),
      createIndex('enroll_requests_by_status', 'enroll_requests', ['status', 'requested_at']),
    ],
  },
  {
    id: 64,
    name: 'agent clock offsets',
    // Agent clock − console clock in ms, smoothed over hello and heartbeats, and when it was last
    // measured. bigint: an agent a year off does not fit PostgreSQL's INTEGER.
    steps: [addColumn('agents', 'clock_offset_ms', col.bigint()), addColumn('agents', 'clock_measured_at', col.text())],
  },
  {
    id: 65,
    name: 'agent group serial',
    // Each agent's move counter: the serial of the signed "agent X is in group G" statement the
    // gateway sends. Existing agents start at 1.
    steps: [addColumn('agents', 'group_serial', col.bigint({ ...required, default: 1 }))],
  },
  {
    id: 66,
    name: 'fleet incidents index',
    // The fleet overview asks which agents reported tamper (refused policy or exception) or bypass
    // events in the last day. Those are rare: a partial index holds only them, so the question reads
    // a handful of entries instead of a day of the time index, and ingest pays nothing for other
    // events. The condition must stay verbatim the one in store/sql/agent-queries.ts
    // (INCIDENT_EVENTS_SQL), or the planners cannot use the index.
    steps: [createIndex('events_incidents', 'events', ['occurred_at_ms'], { where: "type = 'bypass' OR (type IN ('policy', 'agent') AND action = 'blocked')" })],
  },
  {
    id: 67,
    name: 'saved filters',
    // A person's named filter sets of a page (issue 17: the agent table's saved filters). Each row
    // belongs to one user; names are unique per user and page, and sorted for the list.
    steps: [
      createTable('saved_filters', {
        columns: {
          id: col.text({ primaryKey: true }),
          user_id: col.text({ ...required, references: { table: 'users', column: 'id' } }),
          // The page the set filters ('agents'); no CHECK, so another page needs no migration.
          page: col.text(required),
          name: col.sortedText(required),
          filters_json: col.text(required),
          created_at: col.text(required),
          updated_at: col.text(required),
        },
        unique: [['user_id', 'page', 'name']],
      }),
    ],
  },
  {
    id: 69,
    name: 'agent table facts',
    // The agent table filters, sorts and pages in SQL (issue 17): the values it sorts by and the
    // capability verdicts its conditions read become columns, written by the console from the
    // shared predicates at each hello or report (store/sql/agent-table-facts.ts), so both engines
    // answer from plain columns exactly as the in-memory definition. Sort keys are sortedText (byte
    // order on both). Existing rows are filled from their JSON here; the next hello rewrites them.
    steps: [
      addColumn('agents', 'host_key', col.sortedText({ ...required, default: '' })),
      addColumn('agents', 'user_key', col.sortedText({ ...required, default: '' })),
      addColumn('agents', 'os_key', col.sortedText({ ...required, default: '' })),
      addColumn('agents', 'version_key', col.sortedText({ ...required, default: '' })),
      addColumn('agents', 'os_name', col.text({ ...required, default: '' })),
      // An agent that never reported enforces nothing, fails neither open nor degraded.
      addColumn('agents', 'enforces_nothing', col.flag({ ...required, default: 1 })),
      addColumn('agents', 'fails_open', col.flag({ ...required, default: 0 })),
      addColumn('agents', 'degraded', col.flag({ ...required, default: 0 })),
      dialectSql(AGENT_TABLE_FACTS_BACKFILL.sqlite, AGENT_TABLE_FACTS_BACKFILL.postgres),
      // A block of the table sorted by a text column walks its index (id: the tie order) instead of
      // sorting the fleet. Not on last_seen_at: every ingest commit rewrites it.
      ...(['host_key', 'user_key', 'os_key', 'version_key'] as const).map((key) => createIndex(`agents_by_${key}`, 'agents', [key, 'id'])),
    ],
  },
  {
    id: 90,
    name: 'cluster node liveness',
    // Each node stamps its row every few seconds; the others mark agents held by a silent node
    // offline, so a node that died for good does not leave its agents "online" (cluster/node-liveness.ts).
    steps: [
      postgresOnlyTable(
        'cluster_nodes',
        { columns: { node_id: col.text({ primaryKey: true }), seen_at_ms: col.bigint(required) } },
        'several console nodes share one PostgreSQL; a SQLite console is one node',
      ),
    ],
  },
];
