import type { Migration } from '@dlp/shared/node';

/**
 * PostgreSQL schema for event search and roll-ups (30, mirroring sqlite/event-search-migrations.ts)
 * and for triage and scheduled reports (40–41, mirroring sqlite/report-migrations.ts).
 */
export const PG_REPORT_MIGRATIONS: readonly Migration[] = [
  {
    id: 30,
    name: 'event search columns, indexes and roll-ups',
    sql: `
      ALTER TABLE events ADD COLUMN group_id TEXT;
      ALTER TABLE events ADD COLUMN user_name TEXT COLLATE "C";
      ALTER TABLE events ADD COLUMN host TEXT COLLATE "C";
      ALTER TABLE events ADD COLUMN device_key TEXT COLLATE "C";
      ALTER TABLE events ADD COLUMN app TEXT COLLATE "C";
      ALTER TABLE events ADD COLUMN search_text TEXT;

      -- Rows stored before this migration: the group is the agent's current one.
      UPDATE events e SET
        group_id = (SELECT group_id FROM agents a WHERE a.id = e.agent_id),
        user_name = j.doc ->> 'user',
        host = j.doc ->> 'host',
        device_key = CASE WHEN j.doc #>> '{subject,kind}' = 'device' THEN
            (j.doc #>> '{subject,vendorId}') || ':' || (j.doc #>> '{subject,productId}') ||
            COALESCE(':' || NULLIF(j.doc #>> '{subject,serial}', ''), '') END,
        app = CASE WHEN j.doc #>> '{subject,kind}' = 'process' THEN j.doc #>> '{subject,exePath}' END,
        search_text = lower(
          COALESCE(j.doc #>> '{subject,exePath}', j.doc #>> '{subject,path}', '') || chr(10) ||
          COALESCE(j.doc ->> 'ruleId', '') || chr(10) || COALESCE(j.doc ->> 'user', '') || chr(10) || (j.doc ->> 'host'))
        FROM (SELECT row_id, replace(json, '\\u0000', '\\ufffd')::jsonb AS doc FROM events) j
       WHERE j.row_id = e.row_id;

      DROP INDEX events_occurred_at;
      CREATE INDEX events_time ON events (occurred_at_ms, type, action, severity);
      CREATE INDEX events_user ON events (user_name, occurred_at_ms) WHERE user_name IS NOT NULL;
      CREATE INDEX events_host ON events (host, occurred_at_ms);
      CREATE INDEX events_group ON events (group_id, occurred_at_ms) WHERE group_id IS NOT NULL;
      CREATE INDEX events_rule ON events (rule_id, occurred_at_ms) WHERE rule_id IS NOT NULL;
      CREATE INDEX events_device ON events (device_key, occurred_at_ms) WHERE device_key IS NOT NULL;
      CREATE INDEX events_sha256 ON events (sha256, occurred_at_ms) WHERE sha256 IS NOT NULL;

      CREATE TABLE event_rollup_hourly (
        hour_ms BIGINT NOT NULL,
        type TEXT NOT NULL,
        action TEXT NOT NULL,
        severity TEXT NOT NULL,
        count BIGINT NOT NULL,
        PRIMARY KEY (hour_ms, type, action, severity)
      );

      CREATE TABLE event_rollup_daily (
        day_ms BIGINT NOT NULL,
        dimension TEXT NOT NULL CHECK (dimension IN ('user', 'host', 'device', 'app')),
        key TEXT COLLATE "C" NOT NULL,
        type TEXT NOT NULL,
        action TEXT NOT NULL,
        count BIGINT NOT NULL,
        PRIMARY KEY (dimension, day_ms, key, type, action)
      );
      CREATE INDEX event_rollup_daily_entity ON event_rollup_daily (dimension, key, day_ms);

      INSERT INTO event_rollup_hourly (hour_ms, type, action, severity, count)
        SELECT occurred_at_ms - (occurred_at_ms % 3600000), type, action, severity, count(*) FROM events GROUP BY 1, 2, 3, 4;
      INSERT INTO event_rollup_daily (day_ms, dimension, key, type, action, count)
        SELECT d, 'user', user_name, type, action, count(*) FROM (SELECT occurred_at_ms - (occurred_at_ms % 86400000) AS d, * FROM events) x WHERE user_name IS NOT NULL GROUP BY 1, 3, 4, 5
        UNION ALL SELECT d, 'host', host, type, action, count(*) FROM (SELECT occurred_at_ms - (occurred_at_ms % 86400000) AS d, * FROM events) x GROUP BY 1, 3, 4, 5
        UNION ALL SELECT d, 'device', device_key, type, action, count(*) FROM (SELECT occurred_at_ms - (occurred_at_ms % 86400000) AS d, * FROM events) x WHERE device_key IS NOT NULL GROUP BY 1, 3, 4, 5
        UNION ALL SELECT d, 'app', app, type, action, count(*) FROM (SELECT occurred_at_ms - (occurred_at_ms % 86400000) AS d, * FROM events) x WHERE app IS NOT NULL GROUP BY 1, 3, 4, 5;
    `,
  },
  {
    id: 40,
    name: 'triage of events and of groups of identical events',
    sql: `
      CREATE TABLE triage_event (
        agent_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('new', 'acknowledged', 'false-positive', 'escalated')),
        updated_by_id TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (agent_id, seq)
      );

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

      CREATE TABLE triage_history (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        scope TEXT NOT NULL CHECK (scope IN ('event', 'group')),
        agent_id TEXT NOT NULL,
        seq BIGINT,
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
      CREATE TRIGGER triage_history_append_only BEFORE UPDATE ON triage_history
        FOR EACH ROW EXECUTE FUNCTION dlp_refuse_change('append-only');
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
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        schedule_id TEXT NOT NULL,
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        trigger_key TEXT NOT NULL,
        claimed_by TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'retrying', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at_ms BIGINT,
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
