// The driver-neutral half of our SQLite access: the statement interface, the queue every
// connection keeps, and migrations (sqlite.ts picks a driver).
export type SqlParam = string | number | bigint | null | Buffer;

export interface RunResult {
  changes: number;
  lastId: number;
}

export interface SqliteOptions {
  /**
   * FULL makes every commit durable against power loss (the console acks only after commit);
   * NORMAL is durable against process crashes and much cheaper per commit.
   */
  synchronous?: 'FULL' | 'NORMAL';
  busyTimeoutMs?: number;
}

/**
 * One queue in front of a connection: `exclusive` runs callers one at a time, and run/get/all/exec
 * outside a transaction each take their turn. Subclasses supply the driver's `statements` (which
 * bypass the queue, for use inside `transaction`/`exclusive`) and `transaction`.
 */
export abstract class QueuedSqliteConnection implements SqliteConnection {
  private queue: Promise<unknown> = Promise.resolve();
  abstract readonly statements: SqlStatements;
  abstract transaction<T>(fn: (tx: SqlStatements) => Promise<T>): Promise<T>;

  /** Runs `fn` alone on the connection: nothing else is sent to SQLite until it settles. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  run(sql: string, params: SqlParam[] = []): Promise<RunResult> {
    return this.exclusive(() => this.statements.run(sql, params));
  }

  get<T>(sql: string, params: SqlParam[] = []): Promise<T | undefined> {
    return this.exclusive(() => this.statements.get<T>(sql, params));
  }

  all<T>(sql: string, params: SqlParam[] = []): Promise<T[]> {
    return this.exclusive(() => this.statements.all<T>(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.exclusive(() => this.statements.exec(sql));
  }
}

/**
 * Statements with `?` placeholders: what the portable repositories (console store/sql/) run. SQLite
 * connections implement it directly; the console's PostgreSQL layer numbers the placeholders.
 */
export interface SqlStatements {
  run(sql: string, params?: SqlParam[]): Promise<RunResult>;
  get<T>(sql: string, params?: SqlParam[]): Promise<T | undefined>;
  all<T>(sql: string, params?: SqlParam[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

/** A connection with a queue and transactions: what `migrate` needs (this class and the console's worker connection). */
export interface SqliteConnection extends SqlStatements {
  transaction<T>(fn: (tx: SqlStatements) => Promise<T>): Promise<T>;
}

export interface Migration {
  /** Increasing integer; applied migrations are recorded and never re-run or edited. */
  id: number;
  name: string;
  sql: string;
}

/** Applies pending migrations in order, each in its own transaction. Returns the ids applied. */
export async function migrate(db: SqliteConnection, migrations: readonly Migration[]): Promise<number[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((await db.all<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => r.id));
  const done: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
    if (applied.has(m.id)) continue;
    await db.transaction(async (tx) => {
      await tx.exec(m.sql);
      await tx.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)', [m.id, m.name, new Date().toISOString()]);
    });
    done.push(m.id);
  }
  return done;
}
