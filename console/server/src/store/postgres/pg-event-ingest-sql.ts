/**
 * Event ingest on PostgreSQL in one statement per chunk: the rows arrive as column arrays, each
 * event takes its agent's current group, duplicates of (agent_id, seq) are skipped, and the hourly
 * and daily roll-ups (same buckets as sqlite/event-rollup-queries.ts) count exactly the rows
 * inserted, in the same transaction. One round trip instead of five. The ingest fallback of
 * pg-event-queries.ts (the COPY fast path writes roll-ups through sqlite/event-rollup-queries.ts).
 *
 * Lock order: every ingest transaction, whichever path, upserts all its hourly rows before any
 * daily row, each table in primary-key order with text in code point order (COLLATE "C"), so two
 * transactions or nodes committing at once lock shared counters in one order and cannot deadlock.
 * PostgreSQL runs data-modifying CTEs in an order of its choosing (in fact daily before hourly), so
 * `daily` reads `hourly`'s result: the data dependency is what puts hourly first.
 */
export const PG_INGEST_SQL = `
WITH input AS (
  SELECT u.*, a.group_id
    FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY
         AS u (event_id, agent_id, seq, occurred_at_ms, received_at, type, action, severity, rule_id, sha256, detail_json,
               user_name, host, device_key, app, search_text, ord)
    LEFT JOIN agents a ON a.id = u.agent_id
),
ins AS (
  INSERT INTO events (event_id, agent_id, seq, occurred_at_ms, received_at, type, action, severity, rule_id, sha256, detail_json,
                      group_id, user_name, host, device_key, app, search_text)
  SELECT event_id, agent_id, seq, occurred_at_ms, received_at, type, action, severity, rule_id, sha256, detail_json,
         group_id, user_name, host, device_key, app, search_text
    FROM input
   -- Row ids are the ingest order: hand them out in batch order, whatever order the join made.
   ORDER BY ord
  ON CONFLICT (agent_id, seq) DO NOTHING
  RETURNING agent_id, seq, occurred_at_ms, type, action, severity, user_name, host, device_key, app
),
bucketed AS (
  -- Floor to the UTC hour and day (the double modulo keeps instants before 1970 in the right bucket).
  SELECT *, occurred_at_ms - ((occurred_at_ms % 3600000) + 3600000) % 3600000 AS hour_ms,
            occurred_at_ms - ((occurred_at_ms % 86400000) + 86400000) % 86400000 AS day_ms
    FROM ins
),
hourly AS (
  INSERT INTO event_rollup_hourly (hour_ms, type, action, severity, count)
  SELECT hour_ms, type, action, severity, count(*) FROM bucketed GROUP BY 1, 2, 3, 4
   ORDER BY hour_ms, type COLLATE "C", action COLLATE "C", severity COLLATE "C"
  ON CONFLICT (hour_ms, type, action, severity) DO UPDATE SET count = event_rollup_hourly.count + excluded.count
  RETURNING 1
),
daily AS (
  INSERT INTO event_rollup_daily (day_ms, dimension, key, type, action, count)
  SELECT day_ms, dimension, key, type, action, count(*)
    FROM (SELECT day_ms, 'user' AS dimension, user_name AS key, type, action FROM bucketed WHERE user_name IS NOT NULL
          UNION ALL SELECT day_ms, 'host', host, type, action FROM bucketed
          UNION ALL SELECT day_ms, 'device', device_key, type, action FROM bucketed WHERE device_key IS NOT NULL
          UNION ALL SELECT day_ms, 'app', app, type, action FROM bucketed WHERE app IS NOT NULL) AS keyed
   -- Evaluated once, before the first daily row: runs every hourly upsert to completion first.
   WHERE (SELECT count(*) FROM hourly) >= 0
   GROUP BY 1, 2, 3, 4, 5
   ORDER BY dimension COLLATE "C", day_ms, key COLLATE "C", type COLLATE "C", action COLLATE "C"
  ON CONFLICT (dimension, day_ms, key, type, action) DO UPDATE SET count = event_rollup_daily.count + excluded.count
)
SELECT agent_id, seq FROM ins`;
