import type { Migration } from '@dlp/shared/node';

/** Alert rules, destinations, fired alerts and threshold window counters (ids 50–59), SQLite. */
export const ALERT_MIGRATIONS: readonly Migration[] = [
  {
    id: 50,
    name: 'alerts',
    sql: `
      CREATE TABLE alert_rules (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        severity TEXT NOT NULL,
        params_json TEXT NOT NULL,
        destination_ids_json TEXT NOT NULL,
        cooldown_minutes INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- secret: the webhook signing key. It has to be kept usable (HMAC), so it is stored as is and
      -- never returned by the API after creation.
      CREATE TABLE alert_destinations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        config_json TEXT NOT NULL,
        rate_per_minute INTEGER NOT NULL,
        rate_burst INTEGER NOT NULL,
        secret TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- dedupe_key is the claim: the console node whose INSERT wins delivers the alert.
      CREATE TABLE fired_alerts (
        id TEXT PRIMARY KEY,
        dedupe_key TEXT NOT NULL UNIQUE,
        rule_id TEXT NOT NULL,
        rule_name TEXT NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        entity_label TEXT NOT NULL,
        title TEXT NOT NULL,
        event_count INTEGER NOT NULL,
        fired_at TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
        resolved_at TEXT,
        details_json TEXT NOT NULL
      );
      CREATE INDEX fired_alerts_rule_entity ON fired_alerts (rule_id, entity_id, fired_at);
      CREATE INDEX fired_alerts_open ON fired_alerts (kind, state);

      -- Threshold rules count matching events per (rule, entity) in time buckets, shared by all nodes.
      CREATE TABLE alert_windows (
        rule_id TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        bucket_ms INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (rule_id, entity_id, bucket_ms)
      );
      CREATE INDEX alert_windows_bucket ON alert_windows (bucket_ms);
    `,
  },
];

/** The same tables for PostgreSQL (Unix-ms and counter columns are BIGINT). */
export const PG_ALERT_MIGRATIONS: readonly Migration[] = [
  {
    id: 50,
    name: 'alerts',
    sql: (ALERT_MIGRATIONS[0]?.sql ?? '')
      .replace('bucket_ms INTEGER NOT NULL', 'bucket_ms BIGINT NOT NULL')
      .replace('count INTEGER NOT NULL,\n        PRIMARY KEY', 'count BIGINT NOT NULL,\n        PRIMARY KEY')
      .replace('event_count INTEGER NOT NULL', 'event_count BIGINT NOT NULL'),
  },
];
