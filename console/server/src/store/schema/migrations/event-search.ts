import { addColumn, col, createIndex, createTable, dialectSql, dropIndex, renameColumn, required, sql, type SchemaMigration } from '../schema-source';

/** Text of a UNION branch that rolls events of one day up by one dimension. */
function dailyRollupOf(dimension: string, column: string, where: string): string {
  return `SELECT d, '${dimension}', ${column}, type, action, count(*) FROM (SELECT occurred_at_ms - (occurred_at_ms % 86400000) AS d, * FROM events) x ${where} GROUP BY 1, 3, 4, 5`;
}

/**
 * Event search and roll-ups (30–39), and events keeping only their detail as JSON (60).
 *
 * Extracted columns let every common filter use an index instead of the JSON; partial indexes skip
 * the rows without a value (most events have no device or hash), which keeps ingest cheap.
 *
 * Roll-ups are written in the ingest transaction and are not touched by raw-event purges:
 * - event_rollup_hourly: per UTC hour × type × action × severity (any whole-hour time zone);
 * - event_rollup_daily: per UTC day × dimension (user, host, device, app) × key × type × action.
 */
export const EVENT_SEARCH_MIGRATIONS: readonly SchemaMigration[] = [
  {
    id: 30,
    name: 'event search columns, indexes and roll-ups',
    steps: [
      addColumn('events', 'group_id', col.text()),
      addColumn('events', 'user_name', col.sortedText()),
      addColumn('events', 'host', col.sortedText()),
      addColumn('events', 'device_key', col.sortedText()),
      addColumn('events', 'app', col.sortedText()),
      addColumn('events', 'search_text', col.text()),
      // Rows stored before this migration: the group is the agent's current one (the group at
      // ingest time is unknown). Each engine reads the stored JSON with its own functions.
      dialectSql(
        `UPDATE events SET
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
            json_extract(json, '$.host'))`,
        `UPDATE events e SET
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
         WHERE j.row_id = e.row_id`,
      ),
      dropIndex('events_occurred_at'),
      createIndex('events_time', 'events', ['occurred_at_ms', 'type', 'action', 'severity'], { sqliteCovering: ['user_name', 'host', 'device_key', 'app'] }),
      createIndex('events_user', 'events', ['user_name', 'occurred_at_ms'], { where: 'user_name IS NOT NULL' }),
      createIndex('events_host', 'events', ['host', 'occurred_at_ms']),
      createIndex('events_group', 'events', ['group_id', 'occurred_at_ms'], { where: 'group_id IS NOT NULL' }),
      createIndex('events_rule', 'events', ['rule_id', 'occurred_at_ms'], { where: 'rule_id IS NOT NULL' }),
      createIndex('events_device', 'events', ['device_key', 'occurred_at_ms'], { where: 'device_key IS NOT NULL' }),
      createIndex('events_sha256', 'events', ['sha256', 'occurred_at_ms'], { where: 'sha256 IS NOT NULL' }),
      createTable('event_rollup_hourly', {
        columns: {
          hour_ms: col.bigint(required),
          type: col.text(required),
          action: col.text(required),
          severity: col.text(required),
          count: col.bigint(required),
        },
        primaryKey: ['hour_ms', 'type', 'action', 'severity'],
        withoutRowid: true,
      }),
      createTable('event_rollup_daily', {
        columns: {
          day_ms: col.bigint(required),
          dimension: col.text({ ...required, oneOf: ['user', 'host', 'device', 'app'] }),
          key: col.sortedText(required),
          type: col.text(required),
          action: col.text(required),
          count: col.bigint(required),
        },
        primaryKey: ['dimension', 'day_ms', 'key', 'type', 'action'],
        withoutRowid: true,
      }),
      createIndex('event_rollup_daily_entity', 'event_rollup_daily', ['dimension', 'key', 'day_ms']),
      sql(`INSERT INTO event_rollup_hourly (hour_ms, type, action, severity, count)
        SELECT occurred_at_ms - (occurred_at_ms % 3600000), type, action, severity, count(*) FROM events GROUP BY 1, 2, 3, 4`),
      sql(`INSERT INTO event_rollup_daily (day_ms, dimension, key, type, action, count)
        ${dailyRollupOf('user', 'user_name', 'WHERE user_name IS NOT NULL')}
        UNION ALL ${dailyRollupOf('host', 'host', '')}
        UNION ALL ${dailyRollupOf('device', 'device_key', 'WHERE device_key IS NOT NULL')}
        UNION ALL ${dailyRollupOf('app', 'app', 'WHERE app IS NOT NULL')}`),
    ],
  },
  {
    id: 60,
    name: 'events keep only their detail as JSON',
    // Only what the columns do not hold stays JSON (eventDetailJson in event-queries.ts). Rows stored
    // before keep the whole event there: it has every key a detail has and reads back the same, so
    // no row is rewritten and the migration is instant however many events are stored.
    steps: [renameColumn('events', 'json', 'detail_json')],
  },
];
