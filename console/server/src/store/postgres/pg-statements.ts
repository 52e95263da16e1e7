import { finished } from 'node:stream/promises';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import type { RunResult, SqlParam, SqlStatements } from '@dlp/shared/node';
import { decodeText, encodeText } from '../stored-text';
import type { InFlightQueries } from './pg-in-flight';

/** node-postgres also binds arrays (to `text[]`, `bigint[]` …), which `unnest` turns into rows. */
export type PgParam = SqlParam | readonly string[] | readonly number[] | readonly (string | number | null)[];

/** `SqlStatements` with array parameters; usable wherever `SqlStatements` is expected. */
export interface PgStatements extends SqlStatements {
  run(sql: string, params?: PgParam[]): Promise<RunResult>;
  get<T>(sql: string, params?: PgParam[]): Promise<T | undefined>;
  all<T>(sql: string, params?: PgParam[]): Promise<T[]>;
  /**
   * Runs `COPY … FROM STDIN` with `data` (COPY text, already escaped: see pg-copy-text.ts) and
   * resolves with the rows copied. Only statements bound to one client (a transaction) have it:
   * COPY's rows go wherever that client's transaction goes.
   */
  copyFrom?(sql: string, data: Buffer): Promise<number>;
}

/** What runs a query: the pool (one statement, autocommit) or one checked-out client (a transaction). */
export type PgQueryable = Pool | PoolClient;

const placeholderCache = new Map<string, string>();

/**
 * Rewrites `?` placeholders to `$1…$n`, leaving `?` inside quoted literals, quoted identifiers and
 * `--` comments alone.
 * The portable repositories are written once with `?` (SQLite's syntax); this lets PostgreSQL run
 * the very same statements, so both stores cannot drift apart in behaviour.
 */
export function toPgPlaceholders(sql: string): string {
  const cached = placeholderCache.get(sql);
  if (cached !== undefined) return cached;
  let out = '';
  let n = 0;
  // Inside a quoted literal or identifier (its closing quote), a line comment ('\n'), or neither.
  let until: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i] as string;
    if (until !== null) {
      if (ch === until) until = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      until = ch;
      out += ch;
    } else if (ch === '-' && sql[i + 1] === '-') {
      until = '\n';
      out += ch;
    } else if (ch === '?') {
      n += 1;
      out += `$${n}`;
    } else {
      out += ch;
    }
  }
  // Bounded: statements are code constants (multi-row inserts vary only by row count).
  if (placeholderCache.size < 2000) placeholderCache.set(sql, out);
  return out;
}

function encodeParam(param: PgParam): unknown {
  if (typeof param === 'string') return encodeText(param);
  if (Array.isArray(param)) return (param as ReadonlyArray<string | number | null>).map((v) => (typeof v === 'string' ? encodeText(v) : v));
  return param;
}

function decodeRow(row: QueryResultRow): QueryResultRow {
  for (const key of Object.keys(row)) {
    const value: unknown = row[key];
    if (typeof value === 'string') row[key] = decodeText(value);
  }
  return row;
}

/** Starts one statement: right away, or when the statements sent before it on the same client are answered. */
type StatementSender = <T>(start: () => Promise<T>) => Promise<T>;

const sendNow: StatementSender = (start) => start();

/**
 * One statement at a time on one client: each is handed to node-postgres only once the one before
 * it has been answered (or has failed), in the order the repositories sent them. node-postgres
 * itself would queue them, but queueing a statement behind another is deprecated ("Calling
 * client.query() when the client is already executing a query"). Pipelining across transactions
 * (one client each) is unaffected.
 */
function serialSender(): StatementSender {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(start: () => Promise<T>): Promise<T> => {
    const result = tail.then(start);
    // The next statement waits for this one whatever its outcome; the caller still sees the outcome.
    tail = result.catch(() => undefined);
    return result;
  };
}

function statementsOver(db: PgQueryable, send: StatementSender, inFlight?: InFlightQueries): PgStatements {
  const track = <T>(sent: Promise<T>): Promise<T> => {
    inFlight?.add(sent);
    return sent;
  };
  const query = async (sql: string, params: PgParam[] = []): Promise<{ rows: QueryResultRow[]; rowCount: number | null }> => {
    const result = await track(send(() => db.query(toPgPlaceholders(sql), params.map(encodeParam))));
    return { rows: result.rows.map(decodeRow), rowCount: result.rowCount };
  };
  return {
    async run(sql, params): Promise<RunResult> {
      const result = await query(sql, params);
      return { changes: result.rowCount ?? 0, lastId: 0 };
    },
    async get<T>(sql: string, params?: PgParam[]): Promise<T | undefined> {
      return (await query(sql, params)).rows[0] as T | undefined;
    },
    async all<T>(sql: string, params?: PgParam[]): Promise<T[]> {
      return (await query(sql, params)).rows as T[];
    },
    async exec(sql) {
      await track(send(() => db.query(sql)));
    },
  };
}

/**
 * The `SqlStatements` shape over node-postgres, so repositories whose SQL is portable serve both
 * stores. `lastId` has no PostgreSQL equivalent and is always 0: repositories that need generated
 * ids use RETURNING in their PostgreSQL-specific versions. Text goes through `encodeText` and comes
 * back through `decodeText`. Over the pool, statements sent together run concurrently (each on a
 * client of its own); over one client use `pgTransactionStatements`, which sends them one at a time.
 */
export function pgStatements(db: PgQueryable, inFlight?: InFlightQueries): PgStatements {
  return statementsOver(db, sendNow, inFlight);
}

/**
 * The statements of one transaction's client, with `copyFrom`. Statements sent together (the
 * roll-up upserts, `Promise.all` in repositories) go to the server one after the other, in the
 * order sent; each is tracked in `inFlight` from the moment it is sent until it settles (also while
 * it waits for its turn), so the transaction can let them all settle before it ends. The data goes
 * as one buffer: a COPY the server fails midway (e.g. a unique violation) then leaves nothing queued
 * on the client, which is immediately usable for the ROLLBACK TO SAVEPOINT that follows.
 */
export function pgTransactionStatements(client: PoolClient, inFlight?: InFlightQueries): PgStatements {
  const send = serialSender();
  const copy = async (sql: string, data: Buffer): Promise<number> => {
    const stream = client.query(copyFromStdin(sql));
    // A lost connection destroys the stream with an error: `finished` rejects with it, and this
    // listener keeps a late second 'error' (after `finished` settled) from ending the process.
    stream.on('error', () => undefined);
    stream.end(data);
    // Resolves after the server's ReadyForQuery; rejects with the server's error (SQLSTATE in `code`).
    await finished(stream);
    return stream.rowCount;
  };
  return {
    ...statementsOver(client, send, inFlight),
    async copyFrom(sql, data) {
      const copied = send(() => copy(sql, data));
      inFlight?.add(copied);
      return copied;
    },
  };
}
