import { QueuedSqliteConnection, type RunResult, type SqlParam, type SqlStatements } from './sqlite-connection';

/**
 * The part of Node's built-in `node:sqlite` (22.13+ without a flag, 24) we use. Declared here:
 * the @types/node of our oldest supported Node (20) does not know the module.
 */
interface BuiltinStatement {
  run(...params: SqlParam[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: SqlParam[]): Record<string, unknown> | undefined;
  all(...params: SqlParam[]): Record<string, unknown>[];
}
interface BuiltinDatabase {
  exec(sql: string): void;
  prepare(sql: string): BuiltinStatement;
  close(): void;
}
interface BuiltinSqliteModule {
  DatabaseSync: new (path: string) => BuiltinDatabase;
}

/** Most prepared statements kept per connection, as the sqlite3 driver does for writes. */
const PREPARED_CACHE_SIZE = 64;

/**
 * `node:sqlite` when this runtime has it without a flag, else undefined. Its one-time
 * "ExperimentalWarning: SQLite is an experimental feature" is not printed: the agent's log is for
 * the operator, and the module is what the runtime we ship and test (22.23) provides.
 */
export function builtinSqlite(): BuiltinSqliteModule | undefined {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof getBuiltin !== 'function') return undefined;
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/SQLite is an experimental feature/.test(text)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    const loaded = getBuiltin.call(process, 'node:sqlite') as Partial<BuiltinSqliteModule> | undefined;
    return typeof loaded?.DatabaseSync === 'function' ? (loaded as BuiltinSqliteModule) : undefined;
  } catch {
    return undefined; // 22.5–22.12: behind --experimental-sqlite
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** node:sqlite's errors carry `errcode` (5 busy, 6 locked); callers test sqlite3's `code` names. */
const ERROR_CODES: Record<number, string> = { 5: 'SQLITE_BUSY', 6: 'SQLITE_LOCKED', 19: 'SQLITE_CONSTRAINT' };

function withSqliteCode(err: unknown): unknown {
  if (typeof err === 'object' && err !== null && 'errcode' in err && typeof err.errcode === 'number') {
    const name = ERROR_CODES[err.errcode & 0xff];
    if (name) Object.assign(err, { code: name });
  }
  return err;
}

/** Blobs come back as Uint8Array; the sqlite3 driver (and our callers) give Buffers. */
function plainRow<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;
  return out as T;
}

/**
 * The same connection contract on the runtime's built-in SQLite: synchronous calls behind the same
 * queue (a statement of the agent's small tables takes microseconds; a commit's fsync blocks the
 * loop as long as the other driver's thread would have waited for it). The agent packages use it,
 * so they carry no compiled SQLite module and need only the glibc their Node runtime needs.
 */
export class BuiltinSqliteDatabase extends QueuedSqliteConnection {
  readonly driver = 'node:sqlite';
  private readonly prepared = new Map<string, BuiltinStatement>();
  private closed = false;

  private constructor(
    private readonly db: BuiltinDatabase,
    readonly path: string,
  ) {
    super();
  }

  /** Opens `path` and runs `setupSql` (pragmas); a failed setup closes the file again. */
  static open(sqlite: BuiltinSqliteModule, path: string, setupSql: string): Promise<BuiltinSqliteDatabase> {
    return settle(() => {
      const db = new sqlite.DatabaseSync(path);
      try {
        db.exec(setupSql);
      } catch (err) {
        db.close();
        throw err;
      }
      return new BuiltinSqliteDatabase(db, path);
    });
  }

  /** BEGIN IMMEDIATE … COMMIT around `fn`, ROLLBACK if it throws. */
  transaction<T>(fn: (tx: SqlStatements) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.statements);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        try {
          this.db.exec('ROLLBACK');
        } catch {
          // no transaction left to roll back (SQLite already ended it)
        }
        throw withSqliteCode(err);
      }
    });
  }

  close(): Promise<void> {
    return this.exclusive(() =>
      settle(() => {
        if (this.closed) return;
        this.closed = true;
        this.prepared.clear();
        this.db.close();
      }),
    );
  }

  private statement(sql: string): BuiltinStatement {
    let stmt = this.prepared.get(sql);
    if (stmt) this.prepared.delete(sql); // re-inserted below: most recently used last
    else stmt = this.db.prepare(sql);
    if (this.prepared.size >= PREPARED_CACHE_SIZE) {
      const oldest = this.prepared.keys().next();
      if (oldest.done !== true) this.prepared.delete(oldest.value);
    }
    this.prepared.set(sql, stmt);
    return stmt;
  }

  /** Statement helpers that bypass the queue: only for use inside `transaction`/`exclusive`. */
  readonly statements: SqlStatements = {
    run: (sql, params = []) =>
      settle<RunResult>(() => {
        const result = this.statement(sql).run(...params);
        return { changes: Number(result.changes), lastId: Number(result.lastInsertRowid) };
      }),
    get: <T>(sql: string, params: SqlParam[] = []) =>
      settle(() => {
        const row = this.statement(sql).get(...params);
        return row === undefined ? undefined : plainRow<T>(row);
      }),
    all: <T>(sql: string, params: SqlParam[] = []) => settle(() => this.statement(sql).all(...params).map((row) => plainRow<T>(row))),
    exec: (sql) => settle(() => this.db.exec(sql)),
  };
}

/** A synchronous call as a promise, its error carrying sqlite3's code name. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(withSqliteCode(err) as Error);
  }
}
