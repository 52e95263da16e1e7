import { addColumn, col, createIndex, createTable, required, sql, type SchemaMigration } from '../schema-source';

/** Alert rules, destinations, fired alerts and threshold window counters (50–59); the alerts inbox (68). */
export const ALERT_MIGRATIONS: readonly SchemaMigration[] = [
  {
    id: 50,
    name: 'alerts',
    steps: [
      createTable('alert_rules', {
        columns: {
          id: col.text({ primaryKey: true }),
          name: col.text(required),
          enabled: col.flag(required),
          severity: col.text(required),
          params_json: col.text(required),
          destination_ids_json: col.text(required),
          cooldown_minutes: col.integer(required),
          created_at: col.text(required),
          updated_at: col.text(required),
        },
      }),
      // secret: the webhook signing key. It has to be kept usable (HMAC), so it is stored as is and
      // never returned by the API after creation.
      createTable('alert_destinations', {
        columns: {
          id: col.text({ primaryKey: true }),
          name: col.text(required),
          enabled: col.flag(required),
          config_json: col.text(required),
          rate_per_minute: col.integer(required),
          rate_burst: col.integer(required),
          secret: col.text(),
          created_at: col.text(required),
          updated_at: col.text(required),
        },
      }),
      // dedupe_key is the claim: the console node whose INSERT wins delivers the alert.
      createTable('fired_alerts', {
        columns: {
          id: col.text({ primaryKey: true }),
          dedupe_key: col.text({ ...required, unique: true }),
          rule_id: col.text(required),
          rule_name: col.text(required),
          kind: col.text(required),
          severity: col.text(required),
          entity_type: col.text(required),
          entity_id: col.text(required),
          entity_label: col.text(required),
          title: col.text(required),
          event_count: col.bigint(required),
          fired_at: col.text(required),
          state: col.text({ ...required, oneOf: ['open', 'resolved'] }),
          resolved_at: col.text(),
          details_json: col.text(required),
        },
      }),
      createIndex('fired_alerts_rule_entity', 'fired_alerts', ['rule_id', 'entity_id', 'fired_at']),
      createIndex('fired_alerts_open', 'fired_alerts', ['kind', 'state']),
      // Threshold rules count matching events per (rule, entity) in time buckets, shared by all nodes.
      createTable('alert_windows', {
        columns: {
          rule_id: col.text(required),
          entity_id: col.text(required),
          bucket_ms: col.bigint(required),
          count: col.bigint(required),
        },
        primaryKey: ['rule_id', 'entity_id', 'bucket_ms'],
      }),
      createIndex('alert_windows_bucket', 'alert_windows', ['bucket_ms']),
    ],
  },
  {
    id: 68,
    name: 'alerts inbox',
    // Issue 17: alerts are acknowledged and resolved by people (who, when, note; the audit log keeps
    // the same), and alerts of one rule fired close together share a group key. `state` keeps its
    // two stored values (acknowledged = open with acknowledged_at), so its CHECK needs no rebuild.
    steps: [
      addColumn('fired_alerts', 'group_key', col.text()),
      addColumn('fired_alerts', 'acknowledged_at', col.text()),
      addColumn('fired_alerts', 'acknowledged_by', col.text()),
      addColumn('fired_alerts', 'acknowledge_note', col.text()),
      addColumn('fired_alerts', 'resolved_by', col.text()),
      addColumn('fired_alerts', 'resolve_note', col.text()),
      // Alerts fired before this migration are groups of one.
      sql('UPDATE fired_alerts SET group_key = id WHERE group_key IS NULL'),
      createIndex('fired_alerts_group', 'fired_alerts', ['group_key', 'id']),
      createIndex('fired_alerts_rule_time', 'fired_alerts', ['rule_id', 'fired_at']),
    ],
  },
];
