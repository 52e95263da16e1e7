import type { Migration } from '@dlp/shared/node';

/**
 * Event search and roll-ups (30–39). Applied migrations are never edited.
 *
 * Extracted columns let every common filter use an index instead of the JSON; partial indexes skip
 * the rows without a value (most events have no device or hash), which keeps ingest cheap. The
 * time index also carries the columns reports group by, so counting a range never reads the table.
 *
 * Roll-ups are written in the ingest transaction and are not touched by raw-event purges:
 * - event_rollup_hourly: per UTC hour × type × action × severity (any whole-hour time zone);
 * - event_rollup_daily: per UTC day × dimension (user, host, device, app) × key × type × action.
 */
export const EVENT_SEARCH_MIGRATIONS: readonly Migration[] = [
  {
    id: 30,
    name: 'event search columns, indexes and roll-ups',
    sql: `
      ALTER TABLE events ADD COLUMN group_id TEXT;
      ALTER TABLE events ADD COLUMN user_name TEXT;
      ALTER TABLE events ADD COLUMN host TEXT;
      ALTER TABLE events ADD COLUMN device_key TEXT;
      ALTER TABLE events ADD COLUMN app TEXT;
      ALTER TABLE events ADD COLUMN search_text TEXT;

      -- Existing rows: the group is the agent's current one (the group at ingest time is unknown).
      UPDATE events SET
        group_id = (SELECT group_id FROM agents WHERE agents.id = events.agent_id),
        user_name = json_extract(json, '$.user'),
        host = json_extract(json, '$.host'),
        device_key = CASE WHEN json_extract(json, '$.subject.kind') = 'device' THEN
            json_extract(json, '$.subject.vendorId') || ':' || json_extract(json, '$.subject.productId') ||
            COALESCE(':' || json_extract(json, '$.subject.serial'), '') END,
        app = CASE WHEN json_extract(json, '$.subject.kind') = 'process' THEN json_extract(json, '$.subject.exePath') END,
        search_text = lower(
          COALESCE(json_extract(json, '$.subject.exePath'), json_extract(json, '$.subject.path'), '') || char(10) ||
          COALESCE(json_extract(json, '$.subject.vendorName'), '') || ' ' || COALESCE(json_extract(json, '$.subject.productName'), '') || char(10) ||
          COALESCE(json_extract(json, '$.ruleId'), '') || char(10) || COALESCE(json_extract(json, '$.user'), '') || char(10) ||
          json_extract(json, '$.host'));

      DROP INDEX events_occurred_at;
      -- Covering for counts and top-N edges by time: a range is counted without reading the table.
      CREATE INDEX events_time ON events (occurred_at_ms, type, action, severity, user_name, host, device_key, app);
      CREATE INDEX events_user ON events (user_name, occurred_at_ms) WHERE user_name IS NOT NULL;
      CREATE INDEX events_host ON events (host, occurred_at_ms);
      CREATE INDEX events_group ON events (group_id, occurred_at_ms) WHERE group_id IS NOT NULL;
      CREATE INDEX events_rule ON events (rule_id, occurred_at_ms) WHERE rule_id IS NOT NULL;
      CREATE INDEX events_device ON events (device_key, occurred_at_ms) WHERE device_key IS NOT NULL;
      CREATE INDEX events_sha256 ON events (sha256, occurred_at_ms) WHERE sha256 IS NOT NULL;

      CREATE TABLE event_rollup_hourly (
        hour_ms INTEGER NOT NULL,
        type TEXT NOT NULL,
        action TEXT NOT NULL,
        severity TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (hour_ms, type, action, severity)
      ) WITHOUT ROWID;

      CREATE TABLE event_rollup_daily (
        day_ms INTEGER NOT NULL,
        dimension TEXT NOT NULL CHECK (dimension IN ('user', 'host', 'device', 'app')),
        key TEXT NOT NULL,
        type TEXT NOT NULL,
        action TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (dimension, day_ms, key, type, action)
      ) WITHOUT ROWID;
      CREATE INDEX event_rollup_daily_entity ON event_rollup_daily (dimension, key, day_ms);

      INSERT INTO event_rollup_hourly (hour_ms, type, action, severity, count)
        SELECT occurred_at_ms - (occurred_at_ms % 3600000), type, action, severity, count(*) FROM events GROUP BY 1, 2, 3, 4;
      INSERT INTO event_rollup_daily (day_ms, dimension, key, type, action, count)
        SELECT d, 'user', user_name, type, action, count(*) FROM (SELECT occurred_at_ms - (occurred_at_ms % 86400000) AS d, * FROM events) WHERE user_name IS NOT NULL GROUP BY 1, 3, 4, 5
        UNION ALL SELECT d, 'host', host, type, action, count(*) FROM (SELECT occurred_at_ms - (occurred_at_ms % 86400000) AS d, * FROM events) GROUP BY 1, 3, 4, 5
        UNION ALL SELECT d, 'device', device_key, type, action, count(*) FROM (SELECT occurred_at_ms - (occurred_at_ms % 86400000) AS d, * FROM events) WHERE device_key IS NOT NULL GROUP BY 1, 3, 4, 5
        UNION ALL SELECT d, 'app', app, type, action, count(*) FROM (SELECT occurred_at_ms - (occurred_at_ms % 86400000) AS d, * FROM events) WHERE app IS NOT NULL GROUP BY 1, 3, 4, 5;
    `,
  },
];
