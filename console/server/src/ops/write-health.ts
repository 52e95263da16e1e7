import type { ConsoleStore } from '../store/store';

/**
 * Why the database cannot take writes now; each is a fixed word shown on /readyz (never an error
 * message, which could quote a path or a connection string).
 */
export type WriteFailure = 'unreachable' | 'timeout' | 'read_only' | 'disk_full' | 'out_of_resources' | 'io_error' | 'unavailable';

/** Node's socket errors meaning "no server at the other end". */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** node-postgres's own messages for a connection that is gone or never answered. */
const PG_CLIENT_MESSAGES: ReadonlyArray<[RegExp, WriteFailure]> = [
  [/^Query read timeout$/, 'timeout'],
  [/timeout exceeded when trying to connect|Connection terminated due to connection timeout/, 'timeout'],
  [/^Connection terminated|not queryable|Client was closed/, 'unreachable'],
];

function fromPgState(code: string): WriteFailure | undefined {
  if (code === '57014') return 'timeout'; // query_canceled: statement_timeout
  if (code === '25006') return 'read_only'; // a standby, or a primary demoted by a failover
  if (code === '53100') return 'disk_full';
  if (code.startsWith('08') || code.startsWith('57P')) return 'unreachable'; // connection lost, shutdown, terminated
  if (code.startsWith('53')) return 'out_of_resources';
  if (code.startsWith('58') || code.startsWith('XX')) return 'io_error';
  return undefined;
}

function fromSqliteCode(code: string): WriteFailure | undefined {
  if (code === 'SQLITE_FULL') return 'disk_full';
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_CORRUPT')) return 'io_error';
  if (code.startsWith('SQLITE_READONLY')) return 'read_only';
  if (code.startsWith('SQLITE_BUSY')) return 'timeout'; // another process held the file past the busy timeout
  return undefined;
}

/**
 * Whether `err` says the database cannot commit (connection, capacity, I/O), as opposed to a
 * refusal of this one statement (a constraint, a bad value) that says nothing about the next.
 */
export function storageFailureOf(err: unknown): WriteFailure | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_')) return fromSqliteCode(code);
    if (NETWORK_CODES.has(code)) return 'unreachable';
    if (/^[0-9A-Z]{5}$/.test(code)) return fromPgState(code);
  }
  if (typeof message !== 'string') return undefined;
  if (message.startsWith('SQLite worker')) return 'unavailable'; // the worker thread is gone
  return PG_CLIENT_MESSAGES.find(([pattern]) => pattern.test(message))?.[1];
}

/**
 * Write health of this node's database, for /readyz: the last write transaction failed for a
 * storage reason and nothing has committed since. Such a node does not ack ingest (nothing
 * commits), so a load balancer should send agents elsewhere.
 *
 * While failing, each readiness check runs `probe` (one at a time); a probe that passes clears
 * the failure even when no traffic arrives to prove it. A full disk is cleared only by the probe:
 * small writes (a hello) can still fit where an ingest batch does not, so a success proves little.
 */
export class WriteHealth {
  private failure: WriteFailure | undefined;
  private probing: Promise<void> | undefined;

  constructor(private readonly probe: () => Promise<void>) {}

  /** The current failure, if any (without probing). */
  get current(): WriteFailure | undefined {
    return this.failure;
  }

  /** A write transaction committed. */
  recordSuccess(): void {
    if (this.failure !== 'disk_full') this.failure = undefined;
  }

  /** A write transaction failed; returns what it says about the database (undefined: nothing). */
  recordFailure(err: unknown): WriteFailure | undefined {
    const failure = storageFailureOf(err);
    if (failure !== undefined) this.failure = failure;
    return failure;
  }

  /** Readiness: undefined when writes work (probing first if they failed last), else the reason. */
  async check(): Promise<string | undefined> {
    if (this.failure === undefined) return undefined;
    this.probing ??= this.probe().then(
      () => {
        this.failure = undefined;
      },
      (err: unknown) => {
        // A probe that fails for another reason (e.g. too little free space) keeps the old one.
        this.recordFailure(err);
      },
    ).finally(() => {
      this.probing = undefined;
    });
    await this.probing;
    return this.failure;
  }
}

/**
 * The same store, with every `transaction` reported to `health`. Writes outside transactions are
 * single statements whose failures reach their callers; ingest, hellos and heartbeats all commit
 * through `transaction`.
 */
export function watchStoreWrites<S extends ConsoleStore>(store: S, health: WriteHealth): S {
  return {
    ...store,
    transaction: async (fn) => {
      try {
        const result = await store.transaction(fn);
        health.recordSuccess();
        return result;
      } catch (err) {
        health.recordFailure(err);
        throw err;
      }
    },
  };
}
