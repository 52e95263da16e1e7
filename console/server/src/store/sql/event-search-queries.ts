import type { ReportDimension } from '@dlp/shared';
import type { SqlParam, SqlStatements } from '@dlp/shared/node';
import { eventColumns, eventFromRow, type EventColumnsRow } from './event-queries';
import { sqlImpactReadRepository, type ImpactReadSql } from './impact-read-queries';
import type { BucketCount, EntityRef, EventSearchRepoFilter, EventSearchRepository, MsRange, TypeActionFilter } from '../event-search-store';

/** Events column per report dimension (a fixed whitelist: never built from input). */
const DIMENSION_COLUMN: Record<ReportDimension, string> = { user: 'user_name', host: 'host', device: 'device_key', app: 'app' };

/** Escapes LIKE wildcards so `%` and `_` in free text match literally (ESCAPE '\'). */
export function likeContains(text: string): string {
  return `%${escapeLike(text)}%`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Collects `AND`ed conditions with their bound parameters. */
class Where {
  readonly parts: string[] = [];
  readonly params: SqlParam[] = [];

  add(condition: string, ...values: Array<SqlParam | undefined>): void {
    if (values.some((v) => v === undefined)) return;
    this.parts.push(condition);
    for (const v of values) this.params.push(v ?? null);
  }

  range(range: MsRange): void {
    this.add('occurred_at_ms >= ?', range.fromMs);
    this.add('occurred_at_ms < ?', range.toMs);
  }

  typeAction(filter: TypeActionFilter): void {
    this.add('type = ?', filter.type);
    this.add('action = ?', filter.action);
  }

  entity(entity: EntityRef | undefined): void {
    if (entity) this.add(`${DIMENSION_COLUMN[entity.dimension]} = ?`, entity.key);
  }

  get sql(): string {
    return this.parts.length > 0 ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

interface CountRow {
  start_ms: number;
  type: BucketCount['type'];
  action: BucketCount['action'];
  count: number;
}

const toBucket = (row: CountRow): BucketCount => ({ startMs: row.start_ms, type: row.type, action: row.action, count: row.count });

/** The conditions of a search (every filter and the keyset position), shared by search and count. */
function searchWhere(filter: EventSearchRepoFilter): Where {
  const where = new Where();
  where.add('occurred_at_ms >= ?', filter.fromMs);
  where.add('occurred_at_ms < ?', filter.toMs);
  where.add('group_id = ?', filter.groupId);
  where.add('agent_id = ?', filter.agentId);
  where.add('user_name = ?', filter.user);
  where.add('host = ?', filter.host);
  where.add('type = ?', filter.type);
  where.add('action = ?', filter.action);
  where.add('severity = ?', filter.severity);
  where.add('rule_id = ?', filter.ruleId);
  where.add('device_key = ?', filter.deviceKey);
  // `vid:pid` and `vid:pid:<serial>` sort between `vid:pid` and `vid:pid;` (';' follows ':').
  if (filter.deviceModel !== undefined) where.add('device_key >= ? AND device_key < ?', filter.deviceModel, `${filter.deviceModel};`);
  if (filter.deviceSerial !== undefined) where.add("device_key LIKE ? ESCAPE '\\'", `____:____:${escapeLike(filter.deviceSerial)}`);
  where.add('sha256 = ?', filter.sha256);
  if (filter.text !== undefined) where.add("search_text LIKE ? ESCAPE '\\'", likeContains(filter.text));
  if (filter.after) {
    // Keyset: strictly after the last row of the previous page in (occurred_at_ms, row_id) DESC.
    where.add('occurred_at_ms <= ? AND (occurred_at_ms < ? OR row_id < ?)', filter.after.occurredAtMs, filter.after.occurredAtMs, filter.after.rowId);
  }
  return where;
}

/**
 * Search, aggregations and purges over the extracted event columns and the roll-up tables; `impact`
 * says how the engine reads the detail JSON for the impact preview.
 */
export function sqlEventSearchRepository(sql: SqlStatements, impact: ImpactReadSql): EventSearchRepository {
  return {
    impact: sqlImpactReadRepository(sql, impact),

    async search(filter: EventSearchRepoFilter) {
      const where = searchWhere(filter);
      const rows = await sql.all<EventColumnsRow & { row_id: number; group_id: string | null }>(
        `SELECT row_id, group_id, ${eventColumns()} FROM events ${where.sql} ORDER BY occurred_at_ms DESC, row_id DESC LIMIT ?`,
        [...where.params, filter.limit],
      );
      return rows.map((row) => ({ rowId: row.row_id, occurredAtMs: Number(row.occurred_at_ms), event: eventFromRow(row), groupId: row.group_id }));
    },

    async count(filter: EventSearchRepoFilter) {
      const where = searchWhere(filter);
      // The LIMIT inside bounds the work: the engine stops reading after `limit` matches.
      const row = await sql.get<{ count: number }>(`SELECT count(*) AS count FROM (SELECT 1 AS one FROM events ${where.sql} LIMIT ?) AS capped`, [...where.params, filter.limit]);
      return Number(row?.count ?? 0);
    },

    async hourTotals(range, limit) {
      const rows = await sql.all<{ hour_ms: number; count: number }>(
        'SELECT hour_ms, sum(count) AS count FROM event_rollup_hourly WHERE hour_ms >= ? AND hour_ms < ? GROUP BY hour_ms ORDER BY hour_ms DESC LIMIT ?',
        [range.fromMs, range.toMs, limit],
      );
      return rows.map((row) => ({ hourMs: row.hour_ms, count: row.count }));
    },

    async hourlyCounts(range, filter) {
      const where = new Where();
      where.add('hour_ms >= ?', range.fromMs);
      where.add('hour_ms < ?', range.toMs);
      where.typeAction(filter);
      const rows = await sql.all<CountRow>(
        `SELECT hour_ms AS start_ms, type, action, sum(count) AS count FROM event_rollup_hourly ${where.sql} GROUP BY hour_ms, type, action`,
        where.params,
      );
      return rows.map(toBucket);
    },

    async rawCounts(range, bucketMs, originMs, filter) {
      const where = new Where();
      where.range(range);
      where.typeAction(filter);
      where.entity(filter.entity);
      // CAST: the driver binds large JS numbers as REAL, which would make the division fractional.
      const rows = await sql.all<CountRow>(
        'SELECT CAST(? AS BIGINT) + ((occurred_at_ms - CAST(? AS BIGINT)) / CAST(? AS BIGINT)) * CAST(? AS BIGINT) AS start_ms, type, action, count(*) AS count ' +
          `FROM events ${where.sql} GROUP BY 1, 2, 3`,
        [originMs, originMs, bucketMs, bucketMs, ...where.params],
      );
      return rows.map(toBucket);
    },

    async dailyEntityCounts(entity, range) {
      const rows = await sql.all<CountRow>(
        'SELECT day_ms AS start_ms, type, action, sum(count) AS count FROM event_rollup_daily ' +
          'WHERE dimension = ? AND key = ? AND day_ms >= ? AND day_ms < ? GROUP BY day_ms, type, action',
        [entity.dimension, entity.key, range.fromMs, range.toMs],
      );
      return rows.map(toBucket);
    },

    async top(dimension, sources, filter, limit) {
      const column = DIMENSION_COLUMN[dimension];
      const parts: string[] = [];
      const params: SqlParam[] = [];
      if (sources.rollupDays) {
        const where = new Where();
        where.add('dimension = ?', dimension);
        where.add('day_ms >= ?', sources.rollupDays.fromMs);
        where.add('day_ms < ?', sources.rollupDays.toMs);
        where.typeAction(filter);
        parts.push(`SELECT key, sum(count) AS count FROM event_rollup_daily ${where.sql} GROUP BY key`);
        params.push(...where.params);
      }
      for (const raw of sources.raw) {
        const where = new Where();
        where.range(raw);
        where.typeAction(filter);
        where.add(`${column} IS NOT NULL`);
        parts.push(`SELECT ${column} AS key, count(*) AS count FROM events ${where.sql} GROUP BY ${column}`);
        params.push(...where.params);
      }
      if (parts.length === 0) return [];
      return sql.all<{ key: string; count: number }>(
        `SELECT key, sum(count) AS count FROM (${parts.join(' UNION ALL ')}) AS parts GROUP BY key ORDER BY count DESC, key LIMIT ?`,
        [...params, limit],
      );
    },

    async related(entity, range, limit) {
      const other = entity.dimension === 'host' ? 'user_name' : 'host';
      const where = new Where();
      where.entity(entity);
      where.range(range);
      where.add(`${other} IS NOT NULL`);
      return sql.all<{ key: string; count: number }>(
        `SELECT ${other} AS key, count(*) AS count FROM events ${where.sql} GROUP BY ${other} ORDER BY count DESC, key LIMIT ?`,
        [...where.params, limit],
      );
    },

    async purgeEventsBefore(beforeMs) {
      let total = 0;
      // Bounded batches keep each statement short so ingest is not held up behind one huge delete.
      for (;;) {
        const result = await sql.run('DELETE FROM events WHERE row_id IN (SELECT row_id FROM events WHERE occurred_at_ms < ? LIMIT 10000)', [beforeMs]);
        total += result.changes;
        if (result.changes < 10000) return total;
      }
    },

    async purgeRollupsBefore(beforeMs) {
      const hourly = await sql.run('DELETE FROM event_rollup_hourly WHERE hour_ms < ?', [beforeMs]);
      const daily = await sql.run('DELETE FROM event_rollup_daily WHERE day_ms < ?', [beforeMs]);
      return hourly.changes + daily.changes;
    },
  };
}
