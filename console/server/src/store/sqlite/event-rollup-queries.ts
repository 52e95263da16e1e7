import type { SqlParam, SqliteStatements } from '@dlp/shared/node';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The values of one inserted event that roll-ups count. */
export interface RollupInput {
  occurredAtMs: number;
  type: string;
  action: string;
  severity: string;
  user: string | null;
  host: string;
  deviceKey: string | null;
  app: string | null;
}

/** Rows per roll-up upsert statement (6 parameters each). */
const ROLLUP_ROWS_PER_STATEMENT = 200;

/**
 * Counter deltas of one ingest transaction, summed in memory first so each (bucket, key) is
 * upserted once per transaction however many events share it: a batch of 5,000 events from a few
 * agents becomes a few dozen upserts.
 */
export class RollupDeltas {
  /** Events per distinct combination of every counted value: one map update per event. */
  private readonly combos = new Map<string, { row: RollupInput; count: number }>();

  add(row: RollupInput): void {
    const hour = row.occurredAtMs - mod(row.occurredAtMs, HOUR_MS);
    const key = `${hour}|${row.type}|${row.action}|${row.severity}|${part(row.user)}|${part(row.host)}|${part(row.deviceKey)}|${part(row.app)}`;
    const combo = this.combos.get(key);
    if (combo) combo.count += 1;
    else this.combos.set(key, { row, count: 1 });
  }

  /** Upserts every delta (inside the caller's transaction). */
  async write(sql: SqliteStatements): Promise<void> {
    const hourly = new Map<string, Delta>();
    const daily = new Map<string, Delta>();
    for (const { row, count } of this.combos.values()) {
      const hour = row.occurredAtMs - mod(row.occurredAtMs, HOUR_MS);
      const day = row.occurredAtMs - mod(row.occurredAtMs, DAY_MS);
      bump(hourly, [hour, row.type, row.action, row.severity], count);
      const dimensions: Array<[string, string | null]> = [['user', row.user], ['host', row.host], ['device', row.deviceKey], ['app', row.app]];
      for (const [dimension, key] of dimensions) if (key !== null) bump(daily, [day, dimension, key, row.type, row.action], count);
    }
    await upsert(sql, 'event_rollup_hourly', 'hour_ms, type, action, severity', hourly);
    await upsert(sql, 'event_rollup_daily', 'day_ms, dimension, key, type, action', daily);
  }
}

interface Delta {
  key: SqlParam[];
  count: number;
}

/** Length-prefixed, so no value (whatever characters it holds) can run into the next one. */
function part(value: string | null): string {
  return value === null ? '-' : `${value.length}:${value}`;
}

function mod(value: number, step: number): number {
  return ((value % step) + step) % step;
}

function bump(map: Map<string, Delta>, key: Array<string | number>, count: number): void {
  const id = key.map((v) => (typeof v === 'number' ? String(v) : part(v))).join('|');
  const delta = map.get(id);
  if (delta) delta.count += count;
  else map.set(id, { key, count });
}

const upsertSqlCache = new Map<string, string>();

/** Multi-row upserts that add to existing counters (the key columns are the primary key). */
async function upsert(sql: SqliteStatements, table: string, keyColumns: string, deltas: Map<string, Delta>): Promise<void> {
  const entries = [...deltas.values()];
  const columns = keyColumns.split(',').length + 1;
  for (let start = 0; start < entries.length; start += ROLLUP_ROWS_PER_STATEMENT) {
    const chunk = entries.slice(start, start + ROLLUP_ROWS_PER_STATEMENT);
    const params: SqlParam[] = [];
    for (const delta of chunk) params.push(...delta.key, delta.count);
    const cacheKey = `${table}|${chunk.length}`;
    let text = upsertSqlCache.get(cacheKey);
    if (text === undefined) {
      const tuple = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
      text =
        `INSERT INTO ${table} (${keyColumns}, count) VALUES ${Array.from({ length: chunk.length }, () => tuple).join(', ')} ` +
        `ON CONFLICT (${keyColumns}) DO UPDATE SET count = ${table}.count + excluded.count`;
      upsertSqlCache.set(cacheKey, text);
    }
    await sql.run(text, params);
  }
}
