import type { SqlParam, SqlStatements } from '@dlp/shared/node';
import { encodeText } from '../stored-text';

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
  async write(sql: SqlStatements): Promise<void> {
    const hourly = new Map<string, Delta>();
    const daily = new Map<string, Delta>();
    for (const { row, count } of this.combos.values()) {
      const hour = row.occurredAtMs - mod(row.occurredAtMs, HOUR_MS);
      const day = row.occurredAtMs - mod(row.occurredAtMs, DAY_MS);
      bump(hourly, [hour, row.type, row.action, row.severity], count);
      const dimensions: Array<[string, string | null]> = [['user', row.user], ['host', row.host], ['device', row.deviceKey], ['app', row.app]];
      for (const [dimension, key] of dimensions) if (key !== null) bump(daily, [dimension, day, key, row.type, row.action], count);
    }
    // Hourly first, then daily, each in primary-key order: concurrent ingest transactions (PostgreSQL,
    // several in flight or several nodes) then lock shared counters in one global order and cannot
    // deadlock on them. pg-event-ingest-sql.ts upserts in the same order.
    // Sent back to back without waiting in between (the connection runs them in this order): each
    // wait for an answer costs a trip through the event loop.
    await Promise.all([
      upsert(sql, 'event_rollup_hourly', 'hour_ms, type, action, severity', hourly),
      upsert(sql, 'event_rollup_daily', 'dimension, day_ms, key, type, action', daily),
    ]);
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

/** Key order: numbers by value, text by code point (PostgreSQL's COLLATE "C" on UTF-8; SQLite's BINARY). */
function compareKeys(a: readonly SqlParam[], b: readonly SqlParam[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return compareCodePoints(String(x), String(y));
  }
  return 0;
}

/**
 * UTF-16 strings in code point order (JavaScript's `<` compares code units, which puts characters
 * above U+FFFF before U+E000–U+FFFF): at the first differing unit, surrogates move above the rest.
 */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

const upsertSqlCache = new Map<string, string>();

/** Multi-row upserts that add to existing counters (the key columns are the primary key). */
function upsert(sql: SqlStatements, table: string, keyColumns: string, deltas: Map<string, Delta>): Promise<unknown> {
  const sent: Promise<unknown>[] = [];
  // Ordered by the stored text: PostgreSQL keeps NUL as U+E000 "0" (stored-text.ts), and its own
  // statements lock rows in the order of what it stored (SQLite has one writer: any order). Each
  // key is encoded once, not at every comparison.
  const entries = [...deltas.values()]
    .map((delta) => ({ delta, order: delta.key.map((v) => (typeof v === 'string' ? encodeText(v) : v)) }))
    .sort((a, b) => compareKeys(a.order, b.order))
    .map(({ delta }) => delta);
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
    const result = sql.run(text, params);
    // Awaited together below; this only keeps a later failure from counting as unhandled meanwhile.
    result.catch(() => undefined);
    sent.push(result);
  }
  return Promise.all(sent);
}
