import { BuiltinSqliteDatabase, builtinSqlite } from './sqlite-builtin';
import type { QueuedSqliteConnection, SqliteOptions } from './sqlite-connection';
import { Sqlite3Database } from './sqlite3-database';

export * from './sqlite-connection';
export { builtinSqlite } from './sqlite-builtin';

/** An open SQLite database in WAL mode, whichever driver serves it (see `SqliteDatabase.open`). */
export type SqliteDatabase = QueuedSqliteConnection & {
  readonly path: string;
  readonly driver: 'node:sqlite' | 'sqlite3';
  close(): Promise<void>;
};

export type SqliteDriverChoice = 'auto' | 'sqlite3';

export const SqliteDatabase = {
  /**
   * Opens `path` with the runtime's built-in SQLite (`node:sqlite`: Node 22.13+ and 24, the runtime
   * the agent packages bundle) where there is one, else with the `sqlite3` package (Node 20). The
   * two keep the same contract (shared/src/node/sqlite.test.ts runs it on both where both exist).
   */
  open(path: string, options: SqliteOptions & { driver?: SqliteDriverChoice } = {}): Promise<SqliteDatabase> {
    const setup =
      `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? 'FULL'}; ` +
      `PRAGMA foreign_keys = ON; PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 5000};`;
    return openWith(path, setup, options.driver);
  },

  /**
   * Opens `path` running `setupSql` instead of the usual pragmas, for a file used as something
   * else than a database (the agent's data-dir lock); a failed setup closes it again and rejects
   * with the driver's error (`code` is sqlite3's name, e.g. SQLITE_BUSY, with either driver).
   */
  openRaw(path: string, setupSql: string, driver?: SqliteDriverChoice): Promise<SqliteDatabase> {
    return openWith(path, setupSql, driver);
  },
};

function openWith(path: string, setupSql: string, driver: SqliteDriverChoice | undefined): Promise<SqliteDatabase> {
  const builtin = driver === 'sqlite3' ? undefined : builtinSqlite();
  return builtin ? BuiltinSqliteDatabase.open(builtin, path, setupSql) : Sqlite3Database.open(path, setupSql);
}
