import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { QueuedSqliteConnection, type RunResult, type SqlParam, type SqlStatements } from '@dlp/shared/node';
import { sqliteWorkerMain, type WorkerSetup } from './sqlite-worker-main';

export interface SqliteWorkerOptions {
  /** FULL (default): a commit survives power loss — the console acks events only after one. */
  synchronous?: 'FULL' | 'NORMAL';
  busyTimeoutMs?: number;
}

/** Most prepared statements kept by the worker (least recently used ones are dropped). */
const PREPARED_CACHE_SIZE = 64;

/**
 * Page size of a new console database. Ingest writes every event into the table and up to 8
 * indexes; with 16 KiB pages a commit writes and checkpoints a quarter as many pages (one write
 * call each) and the B-trees split less often: SQLite's own work per event is about a tenth lower
 * and ingest 5-20 % faster (docs/BENCHMARKS.md). An existing database keeps the size it was
 * created with (docs/OPERATIONS.md tells how to convert one).
 */
export const NEW_DATABASE_PAGE_SIZE = 16384;

type Operation = 'open' | 'run' | 'get' | 'all' | 'exec' | 'commit' | 'close';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Reply {
  id: number;
  result?: unknown;
  error?: { message: string; code?: string };
}

/**
 * BLOB values arrive from the worker as plain Uint8Arrays (structured clone drops the Buffer
 * class); callers expect Buffers, as the driver returns them.
 */
function withBuffers(result: unknown): unknown {
  if (Array.isArray(result)) {
    for (const row of result) withBuffers(row);
  } else if (typeof result === 'object' && result !== null) {
    const row = result as Record<string, unknown>;
    for (const key in row) {
      const value = row[key];
      if (value instanceof Uint8Array && !Buffer.isBuffer(value)) row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return result;
}

/** An error from SQLite, with its code (e.g. SQLITE_CONSTRAINT_UNIQUE) as the driver gave it. */
export class SqliteWorkerError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SqliteError';
  }
}

/**
 * The console's SQLite connection, in a worker thread of its own.
 *
 * Why: at ingest rates the work of SQLite itself — binding tens of thousands of values per
 * second, B-tree inserts into the events table and its indexes — was the console's main-thread
 * bottleneck with the asynchronous driver (its binding ran on the main thread). Here a
 * synchronous driver (better-sqlite3) runs every statement on the worker, so the main thread
 * only builds parameters and serves sockets while the worker writes.
 *
 * Same contract as the agent's `SqliteDatabase`: one queue, so a transaction's statements are
 * never interleaved with another caller's; `statements` bypass the queue inside
 * `transaction`/`exclusive`. Requests reach the worker in the order they are made and it answers
 * them in that order.
 */
export class SqliteWorkerDatabase extends QueuedSqliteConnection {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** True while a transaction's body runs: its statements are marked for the worker's check. */
  private transactionOpen = false;
  /** Set once the worker is gone: every later request fails with it. */
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly path: string,
  ) {
    super();
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (err) => this.fail(new Error(`SQLite worker failed: ${err.message}`)));
    worker.on('exit', (code) => this.fail(new Error(`SQLite worker exited (code ${code})`)));
    // Idle, the worker must not keep the process alive; with requests in flight it must.
    worker.unref();
  }

  static async open(path: string, options: SqliteWorkerOptions = {}): Promise<SqliteWorkerDatabase> {
    const setup: WorkerSetup = {
      path,
      synchronous: options.synchronous ?? 'FULL',
      busyTimeoutMs: options.busyTimeoutMs ?? 5000,
      preparedCacheSize: PREPARED_CACHE_SIZE,
      newDatabasePageSize: NEW_DATABASE_PAGE_SIZE,
    };
    // The worker runs from source text so the same code works from TypeScript (tests) and from
    // the bundles in dist/; the native driver is loaded by its resolved path.
    const driverPath = createRequire(__filename).resolve('better-sqlite3');
    const source =
      `const { parentPort, workerData } = require('node:worker_threads');\n` +
      `(${sqliteWorkerMain.toString()})(parentPort, require(${JSON.stringify(driverPath)}), workerData);`;
    const db = new SqliteWorkerDatabase(new Worker(source, { eval: true, workerData: setup }), path);
    try {
      await db.request('open', '', []);
    } catch (err) {
      await db.worker.terminate();
      throw err;
    }
    return db;
  }

  /**
   * BEGIN IMMEDIATE … COMMIT around `fn`, ROLLBACK if it throws; resolves once the COMMIT is
   * durable.
   *
   * Nothing here waits for the worker unless it needs an answer: BEGIN is sent and `fn` starts at
   * once (its statements are marked as belonging to a transaction, so the worker refuses them if
   * the BEGIN failed), and the connection passes to the next caller as soon as the COMMIT is sent
   * — the worker runs requests in order, so the next transaction waits behind the COMMIT there,
   * while this thread goes on serving sockets. Each wait on this thread can sit behind other
   * work (a frame being parsed), so fewer waits per transaction is what keeps ingest flowing.
   * (A failed COMMIT is rolled back by the worker before it reads on.)
   */
  transaction<T>(fn: (tx: SqlStatements) => Promise<T>): Promise<T> {
    let committed: Promise<unknown> = Promise.resolve();
    const body = this.exclusive(async () => {
      const begun = this.request('exec', 'BEGIN IMMEDIATE', []);
      begun.catch(() => undefined);
      this.transactionOpen = true;
      let result: T;
      try {
        result = await fn(this.statements);
        await begun;
      } catch (err) {
        this.transactionOpen = false;
        // Only roll back what began: a failed BEGIN left no transaction to end.
        if (await begun.then(() => true, () => false)) await this.request('exec', 'ROLLBACK', []).catch(() => undefined);
        throw err;
      }
      this.transactionOpen = false;
      committed = this.request('commit', '', []);
      // Awaited by the caller below; this only keeps a failure from counting as unhandled meanwhile.
      committed.catch(() => undefined);
      return result;
    });
    return body.then(async (result) => {
      await committed;
      return result;
    });
  }

  close(): Promise<void> {
    return this.exclusive(async () => {
      if (this.failure === null) await this.request('close', '', []);
      await this.worker.terminate();
    });
  }

  /** Statement helpers that bypass the queue: only for use inside `transaction`/`exclusive`. */
  readonly statements: SqlStatements = {
    run: (sql, params = []) => this.request('run', sql, params) as Promise<RunResult>,
    get: <T>(sql: string, params: SqlParam[] = []) => this.request('get', sql, params) as Promise<T | undefined>,
    all: <T>(sql: string, params: SqlParam[] = []) => this.request('all', sql, params) as Promise<T[]>,
    exec: async (sql) => {
      await this.request('exec', sql, []);
    },
  };

  private request(op: Operation, sql: string, params: readonly SqlParam[]): Promise<unknown> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, sql, params, inTransaction: this.transactionOpen && op !== 'commit' });
    });
  }

  private settle(reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (waiting === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.error) waiting.reject(new SqliteWorkerError(reply.error.message, reply.error.code));
    else waiting.resolve(withBuffers(reply.result));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
    this.worker.unref();
  }
}

