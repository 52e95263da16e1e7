import { hostname } from 'node:os';
import pg from 'pg';
import type { ConsoleStore, StoreRepositories } from '../store';
import { sqlAlertRepository } from '../sql/alert-queries';
import { sqlApiTokenRepository, sqlSettingsRepository } from '../sql/api-token-queries';
import { sqlDraftRepository } from '../sql/draft-queries';
import { sqlEnrollSecretRepository } from '../sql/enroll-secret-queries';
import { sqlEventSearchRepository } from '../sql/event-search-queries';
import { sqlGroupRepository } from '../sql/group-queries';
import { sqlPolicyRepository } from '../sql/policy-queries';
import { sqlReportScheduleRepository } from '../sql/report-schedule-queries';
import { sqlSavedFilterRepository } from '../sql/saved-filter-queries';
import { sqlUnlockKeyRepository } from '../sql/unlock-key-queries';
import { sqlSessionRepository, sqlUserRepository } from '../sql/user-queries';
import { pgAgentRepository } from './pg-agent-queries';
import { pgEventRepository } from './pg-event-queries';
import { pgAuditRepository, pgExceptionRepository } from './pg-lifecycle-queries';
import { migratePostgres } from './pg-migrate';
import { PG_MIGRATIONS } from '../schema/console-schema';
import { connectionUnusable, InFlightQueries } from './pg-in-flight';
import { pgStatements, pgTransactionStatements, type PgStatements } from './pg-statements';
import { pgTriageRepository } from './pg-triage-queries';
import { pgContentReportRepository } from './pg-content-report';
import { PG_IMPACT_SQL } from './pg-impact-sql';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database (libpq URL; `?sslmode=…` is honoured by node-postgres). */
  connectionString: string;
  /** Schema holding the console's tables (created if missing); the connection's default otherwise. */
  schema?: string;
  /** Pool size; 10 by default. */
  maxConnections?: number;
  /** This console node's name, recorded on the agents it serves (see pg-agent-queries.ts). */
  nodeId?: string;
  /**
   * Event-ingest transactions in flight at once (default 2): the next group's inserts run while the
   * previous group commits. Concurrent ingest commits take their shared locks in one order.
   */
  ingestTransactions?: number;
  /**
   * Longest a statement may run, in ms (PostgreSQL's `statement_timeout`; default
   * {@link DEFAULT_STATEMENT_TIMEOUT_MS}): a query stuck behind a lock or a vanished server fails
   * instead of stalling ingest for ever. 0 disables it. Migrations are never limited.
   */
  statementTimeoutMs?: number;
}

/** Default statement timeout: far above the slowest report (≤ 0.3 s at 10M events), far below "hung". */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/**
 * How long past the statement timeout the client itself gives up on an answer: the server enforces
 * `statement_timeout`, but a server that vanished without closing the connection (a failover, a
 * network cut) never answers at all.
 */
const CLIENT_TIMEOUT_GRACE_MS = 5_000;

/** Opening a connection to an unreachable server fails after this long instead of waiting on TCP. */
const CONNECT_TIMEOUT_MS = 10_000;

/** A PostgreSQL console store, with the pool behind it for the cluster bus (LISTEN/NOTIFY). */
export interface PostgresConsoleStore extends ConsoleStore {
  readonly pool: pg.Pool;
  readonly nodeId: string;
}

/** Schema names are interpolated into `search_path`, so only plain identifiers are accepted. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * BIGINT columns hold Unix ms, sequence numbers and counts, and sum() of BIGINT is NUMERIC: all far
 * below 2^53, so they are read as plain numbers, as SQLite returns them.
 */
const PG_INT8_OID = 20;
const PG_NUMERIC_OID = 1700;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === PG_INT8_OID || oid === PG_NUMERIC_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** The repositories over the pool's statements (autocommit) or a transaction's (one client). */
function repositories(sql: PgStatements, nodeId: string): StoreRepositories {
  const users = sqlUserRepository(sql);
  // Repositories whose SQL is portable are shared with SQLite; dialect-specific ones are pg-*.
  return {
    users,
    sessions: sqlSessionRepository(sql),
    enrollSecrets: sqlEnrollSecretRepository(sql),
    agents: pgAgentRepository(sql, nodeId),
    groups: sqlGroupRepository(sql),
    policies: sqlPolicyRepository(sql),
    events: pgEventRepository(sql),
    eventSearch: sqlEventSearchRepository(sql, PG_IMPACT_SQL),
    audit: pgAuditRepository(sql),
    apiTokens: sqlApiTokenRepository(sql, (id) => users.findById(id)),
    settings: sqlSettingsRepository(sql),
    drafts: sqlDraftRepository(sql),
    exceptions: pgExceptionRepository(sql),
    unlockKeys: sqlUnlockKeyRepository(sql),
    alerts: sqlAlertRepository(sql),
    triage: pgTriageRepository(sql),
    reportSchedules: sqlReportScheduleRepository(sql),
    savedFilters: sqlSavedFilterRepository(sql),
    contentReport: pgContentReportRepository(sql),
  };
}

/** Every PostgreSQL migration: the one schema source rendered for PostgreSQL, applied in id order. */
export { PG_MIGRATIONS };

/** Opens a pool on the database, creates the schema if asked, and applies pending migrations. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresConsoleStore> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(`PostgreSQL schema name must match ${String(SCHEMA_NAME)}, got "${options.schema}"`);
  }
  const ingestTransactions = options.ingestTransactions ?? 2;
  if (!Number.isInteger(ingestTransactions) || ingestTransactions < 1) throw new Error(`ingestTransactions must be a positive integer, got ${ingestTransactions}`);
  const nodeId = options.nodeId ?? `${hostname()}:${process.pid}`;
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  if (!Number.isInteger(statementTimeoutMs) || statementTimeoutMs < 0) throw new Error(`statementTimeoutMs must be a non-negative integer, got ${statementTimeoutMs}`);
  const connection: pg.PoolConfig = {
    connectionString: options.connectionString,
    types,
    application_name: `dlp-console ${nodeId}`.slice(0, 63),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Notices a dead peer on idle connections (the kernel's probes; the query timeout covers busy ones).
    keepAlive: true,
    ...(options.schema !== undefined ? { options: `-c search_path=${options.schema}` } : {}),
  };
  // Migrations (an index over millions of rows) may legitimately run long: a pool of their own
  // without the timeouts, closed before the console serves.
  const migrationPool = new pg.Pool({ ...connection, max: 1 });
  migrationPool.on('error', () => undefined);
  try {
    await migratePostgres(migrationPool, PG_MIGRATIONS, options.schema);
  } finally {
    await migrationPool.end().catch(() => undefined);
  }
  const pool = new pg.Pool({
    ...connection,
    max: options.maxConnections ?? 10,
    ...(statementTimeoutMs > 0
      ? { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + CLIENT_TIMEOUT_GRACE_MS }
      : {}),
  });
  // An idle client losing its server (restart, failover) must not crash the process; the pool
  // drops it and the next query opens a fresh one. (Checked-out clients: see `transaction`.)
  pool.on('error', () => undefined);
  return {
    ...repositories(pgStatements(pool), nodeId),
    pool,
    nodeId,
    ingestTransactions,
    async transaction(fn) {
      // One pooled client for the whole transaction: every statement of `fn` goes through it.
      const client = await pool.connect();
      // While checked out the pool does not listen to the client: a connection lost now (a restart,
      // pg_terminate_backend) is an 'error' event that would otherwise end the process. The
      // statement in flight fails with it; the client is destroyed below.
      let lost: Error | undefined;
      const onError = (err: Error): void => {
        lost ??= err;
      };
      client.on('error', onError);
      let broken = false;
      const inFlight = new InFlightQueries();
      try {
        await client.query('BEGIN');
        const result = await fn(repositories(pgTransactionStatements(client, inFlight), nodeId));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        // A statement failed while others of `fn` were still queued on this client (pipelined
        // upserts): let them settle, so a ROLLBACK is never sent behind a statement in flight.
        await inFlight.settled();
        // Connection lost or ended by the server, or the client gave up waiting (query_timeout:
        // the server may still be running the statement): drop the connection, and the server
        // rolls back what it held, instead of queueing a ROLLBACK that may never answer.
        broken = lost !== undefined || connectionUnusable(err);
        if (!broken) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
        }
        throw err;
      } finally {
        client.off('error', onError);
        // A broken client is destroyed rather than reused; the pool opens a fresh one when needed.
        client.release(broken ? (lost ?? true) : undefined);
      }
    },
    close: () => pool.end(),
  };
}
