import type { Migration } from '@dlp/shared/node';

/**
 * Schema for triage (40) and scheduled reports (41). Applied migrations are never edited.
 * Events are not altered: an event is named by (agent_id, seq), which is already unique, and its group
 * by (agent_id, type, rule, subject key) computed from the stored JSON (see triage-queries.ts).
 */
export const REPORT_MIGRATIONS: readonly Migration[] = [
  {
    id: 40,
    name: 'triage of events and of groups of identical events',
    sql: `
      CREATE TABLE triage_event (
        agent_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('new', 'acknowledged', 'false-positive', 'escalated')),
        updated_by_id TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (agent_id, seq)
      );

      -- rule_key is '' for events without a rule so the join can use plain equality.
      CREATE TABLE triage_group (
        fingerprint TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL,
        type TEXT NOT NULL,
        rule_key TEXT NOT NULL,
        subject_key TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('new', 'acknowledged', 'false-positive', 'escalated')),
        updated_by_id TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (agent_id, type, rule_key, subject_key)
      );

      -- Append-only history of state changes and notes (the audit log has them too).
      CREATE TABLE triage_history (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL CHECK (scope IN ('event', 'group')),
        agent_id TEXT NOT NULL,
        seq INTEGER,
        fingerprint TEXT,
        at TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_username TEXT NOT NULL,
        state TEXT,
        previous_state TEXT,
        note TEXT
      );
      CREATE INDEX triage_history_event ON triage_history (agent_id, seq);
      CREATE INDEX triage_history_group ON triage_history (fingerprint);
      CREATE TRIGGER triage_history_no_update BEFORE UPDATE ON triage_history
        BEGIN SELECT RAISE(ABORT, 'triage_history is append-only'); END;
    `,
  },
  {
    id: 41,
    name: 'scheduled reports and their runs',
    sql: `
      CREATE TABLE report_schedules (
        id TEXT PRIMARY KEY,
        json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- One row per (schedule, period, trigger): the unique key is how several console nodes agree
      -- that exactly one of them runs a period.
      CREATE TABLE report_runs (
        id INTEGER PRIMARY KEY,
        schedule_id TEXT NOT NULL,
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        trigger_key TEXT NOT NULL,
        claimed_by TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'retrying', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at_ms INTEGER,
        last_error TEXT,
        delivered_at TEXT,
        event_rows INTEGER,
        UNIQUE (schedule_id, period_start, trigger_key)
      );
      CREATE INDEX report_runs_schedule ON report_runs (schedule_id, id);
      CREATE INDEX report_runs_due ON report_runs (status, next_attempt_at_ms);
    `,
  },
];
