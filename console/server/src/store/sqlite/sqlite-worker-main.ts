/**
 * The body of the console's SQLite worker thread (see sqlite-worker-db.ts). It owns the one
 * connection (better-sqlite3, synchronous) and answers requests in arrival order, so the main
 * thread's queue order is the execution order.
 *
 * It runs from source text (`Worker` with `eval: true`): this function is stringified, so it must
 * not use imports, closures or helpers from its module — only its parameters and JS built-ins.
 * The modules it needs are passed in by the eval wrapper.
 */

/** The parts of `node:worker_threads` the worker uses. */
export interface WorkerPort {
  on(event: 'message', listener: (message: unknown) => void): void;
  postMessage(message: unknown): void;
}

/** The parts of better-sqlite3 the worker uses (typed loosely: the module is passed in at runtime). */
export interface DriverStatement {
  readonly reader: boolean;
  run(params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(params: unknown[]): unknown;
  all(params: unknown[]): unknown[];
}

export interface DriverDatabase {
  readonly inTransaction: boolean;
  prepare(sql: string): DriverStatement;
  exec(sql: string): void;
  close(): void;
}

export type DriverConstructor = new (path: string, options: { timeout: number }) => DriverDatabase;

export interface WorkerSetup {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  busyTimeoutMs: number;
  preparedCacheSize: number;
  /** Page size of a database this connection creates; an existing file keeps its own. */
  newDatabasePageSize: number;
}

export function sqliteWorkerMain(port: WorkerPort, Driver: DriverConstructor, setup: WorkerSetup): void {
  let db: DriverDatabase | null = null;
  // Prepared statements by SQL text, least recently used first (Map keeps insertion order).
  // Preparing a 500-row INSERT costs more than running it with cheap rows.
  const prepared = new Map<string, DriverStatement>();

  function statement(sql: string): DriverStatement {
    const cached = prepared.get(sql);
    if (cached !== undefined) {
      prepared.delete(sql);
      prepared.set(sql, cached);
      return cached;
    }
    if (db === null) throw new Error('database is closed');
    const stmt = db.prepare(sql);
    if (prepared.size >= setup.preparedCacheSize) {
      const oldest = prepared.keys().next();
      if (oldest.done !== true) prepared.delete(oldest.value);
    }
    prepared.set(sql, stmt);
    return stmt;
  }

  // better-sqlite3 binds every JS number as REAL (5 → 5.0, so `? || ''` gives '5.0' and an
  // untyped column stores a float); the store's integers must stay INTEGER as they were with
  // the previous driver. Safe integers are bound as BigInt, which binds as INTEGER.
  function bindable(params: unknown[]): unknown[] {
    for (let i = 0; i < params.length; i++) {
      const value = params[i];
      if (typeof value === 'number' && Number.isSafeInteger(value)) params[i] = BigInt(value);
    }
    return params;
  }

  function handle(op: string, sql: string, params: unknown[], inTransaction: boolean): unknown {
    if (op === 'open') {
      db = new Driver(setup.path, { timeout: setup.busyTimeoutMs });
      // page_size only applies to a database with no table yet, and must come before WAL mode.
      db.exec(`PRAGMA page_size = ${setup.newDatabasePageSize}; PRAGMA journal_mode = WAL; PRAGMA synchronous = ${setup.synchronous}; PRAGMA foreign_keys = ON;`);
      return null;
    }
    if (db === null) throw new Error('database is closed');
    // The main thread sends a transaction's statements without waiting for its BEGIN: if that
    // BEGIN failed, they must fail too instead of running (and committing) on their own.
    if (inTransaction && !db.inTransaction) throw new Error('transaction not open (its BEGIN failed)');
    if (op === 'exec') {
      db.exec(sql);
      return null;
    }
    if (op === 'commit') {
      // A failed COMMIT (a full disk, an I/O error) can leave the transaction open; roll it back
      // here, before the next request, so the next transaction — which the main thread may have
      // queued already — never starts inside this one.
      try {
        db.exec('COMMIT');
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
      return null;
    }
    if (op === 'close') {
      prepared.clear();
      db.close();
      db = null;
      return null;
    }
    const stmt = statement(sql);
    const values = bindable(params);
    if (op === 'run') {
      // A statement that returns rows (a SELECT, INSERT … RETURNING) is stepped to the end.
      if (stmt.reader) {
        stmt.all(values);
        return { changes: 0, lastId: 0 };
      }
      const info = stmt.run(values);
      return { changes: info.changes, lastId: Number(info.lastInsertRowid) };
    }
    // A statement without result rows answers an empty list / no row, as the old driver did.
    if (op === 'get') return stmt.reader ? stmt.get(values) : (stmt.run(values), undefined);
    if (op === 'all') return stmt.reader ? stmt.all(values) : (stmt.run(values), []);
    throw new Error(`unknown operation ${op}`);
  }

  port.on('message', (message) => {
    const { id, op, sql, params, inTransaction } = message as { id: number; op: string; sql: string; params: unknown[]; inTransaction: boolean };
    try {
      port.postMessage({ id, result: handle(op, sql, params, inTransaction) });
    } catch (err) {
      const e = err as { message?: unknown; code?: unknown };
      port.postMessage({ id, error: { message: String(e.message ?? err), code: typeof e.code === 'string' ? e.code : undefined } });
    }
  });
}
