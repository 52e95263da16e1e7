import { col, createIndex, createTable, refuseChanges, required, type SchemaMigration } from '../schema-source';

const TRIAGE_STATES = ['new', 'acknowledged', 'false-positive', 'escalated'] as const;

/**
 * Triage (40) and scheduled reports (41). Events are not altered: an event is named by
 * (agent_id, seq), which is already unique, and its group by (agent_id, type, rule, subject key)
 * computed from the stored JSON (see triage-queries.ts).
 */
export const REPORT_MIGRATIONS: readonly SchemaMigration[] = [
  {
    id: 40,
    name: 'triage of events and of groups of identical events',
    steps: [
      createTable('triage_event', {
        columns: {
          agent_id: col.text(required),
          seq: col.bigint(required),
          state: col.text({ ...required, oneOf: TRIAGE_STATES }),
          updated_by_id: col.text(required),
          updated_by: col.text(required),
          updated_at: col.text(required),
        },
        primaryKey: ['agent_id', 'seq'],
      }),
      // rule_key is '' for events without a rule so the join can use plain equality.
      createTable('triage_group', {
        columns: {
          fingerprint: col.text({ primaryKey: true }),
          agent_id: col.text(required),
          type: col.text(required),
          rule_key: col.text(required),
          subject_key: col.text(required),
          state: col.text({ ...required, oneOf: TRIAGE_STATES }),
          updated_by_id: col.text(required),
          updated_by: col.text(required),
          updated_at: col.text(required),
        },
        unique: [['agent_id', 'type', 'rule_key', 'subject_key']],
      }),
      // Append-only history of state changes and notes (the audit log has them too).
      createTable('triage_history', {
        columns: {
          id: col.serialId(),
          scope: col.text({ ...required, oneOf: ['event', 'group'] }),
          agent_id: col.text(required),
          seq: col.bigint(),
          fingerprint: col.text(),
          at: col.text(required),
          actor_id: col.text(required),
          actor_username: col.text(required),
          state: col.text(),
          previous_state: col.text(),
          note: col.text(),
        },
      }),
      createIndex('triage_history_event', 'triage_history', ['agent_id', 'seq']),
      createIndex('triage_history_group', 'triage_history', ['fingerprint']),
      refuseChanges('triage_history', 'append-only', ['update']),
    ],
  },
  {
    id: 41,
    name: 'scheduled reports and their runs',
    steps: [
      createTable('report_schedules', {
        columns: { id: col.text({ primaryKey: true }), json: col.text(required), created_at: col.text(required), updated_at: col.text(required) },
      }),
      // One row per (schedule, period, trigger): the unique key is how several console nodes agree
      // that exactly one of them runs a period.
      createTable('report_runs', {
        columns: {
          id: col.serialId(),
          schedule_id: col.text(required),
          period_start: col.text(required),
          period_end: col.text(required),
          trigger_key: col.text(required),
          claimed_by: col.text(required),
          claimed_at: col.text(required),
          status: col.text({ ...required, oneOf: ['running', 'retrying', 'delivered', 'failed'] }),
          attempts: col.integer({ ...required, default: 0 }),
          next_attempt_at_ms: col.bigint(),
          last_error: col.text(),
          delivered_at: col.text(),
          event_rows: col.integer(),
        },
        unique: [['schedule_id', 'period_start', 'trigger_key']],
      }),
      createIndex('report_runs_schedule', 'report_runs', ['schedule_id', 'id']),
      createIndex('report_runs_due', 'report_runs', ['status', 'next_attempt_at_ms']),
    ],
  },
];
