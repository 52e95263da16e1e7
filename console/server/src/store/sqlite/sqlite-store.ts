import { migrate, type SqlStatements } from '@dlp/shared/node';
import type { ConsoleStore, StoreRepositories } from '../store';
import { sqlAgentRepository } from '../sql/agent-queries';
import { sqlAlertRepository } from '../sql/alert-queries';
import { sqlDraftRepository } from '../sql/draft-queries';
import { sqlExceptionRepository } from '../sql/exception-queries';
import { sqlUnlockKeyRepository } from '../sql/unlock-key-queries';
import { SqliteWorkerDatabase } from './sqlite-worker-db';
import { sqlApiTokenRepository, sqlSettingsRepository } from '../sql/api-token-queries';
import { sqlAuditRepository } from '../sql/audit-queries';
import { sqlEnrollSecretRepository } from '../sql/enroll-secret-queries';
import { sqlEventRepository } from '../sql/event-queries';
import { sqlEventSearchRepository } from '../sql/event-search-queries';
import { sqlGroupRepository } from '../sql/group-queries';
import { sqliteTriageRepository } from './sqlite-triage-queries';
import { sqliteContentReportRepository } from './sqlite-content-report';
import { SQLITE_MIGRATIONS } from '../schema/console-schema';
import { sqlReportScheduleRepository } from '../sql/report-schedule-queries';
import { sqlSavedFilterRepository } from '../sql/saved-filter-queries';
import { sqlPolicyRepository } from '../sql/policy-queries';
import { sqlSessionRepository, sqlUserRepository } from '../sql/user-queries';
import { SQLITE_IMPACT_SQL } from './sqlite-impact-sql';

/**
 * The agents list's free-text condition on the host and user names in info_json, with two `?` for
 * the escaped `%pattern%`. LIKE is case-insensitive for ASCII in SQLite (PostgreSQL uses ILIKE).
 */
const SQLITE_AGENT_SEARCH = "(json_extract(info_json, '$.hostname') LIKE ? ESCAPE '\\' OR json_extract(info_json, '$.user') LIKE ? ESCAPE '\\')";

export interface SqliteStoreOptions {
  /** Path of console.sqlite. */
  path: string;
  /** FULL by default: the console acks events only after a commit that survives power loss. */
  synchronous?: 'FULL' | 'NORMAL';
}

function repositories(sql: SqlStatements): StoreRepositories {
  const users = sqlUserRepository(sql);
  return {
    users,
    sessions: sqlSessionRepository(sql),
    enrollSecrets: sqlEnrollSecretRepository(sql),
    agents: sqlAgentRepository(sql, { searchClause: SQLITE_AGENT_SEARCH }),
    groups: sqlGroupRepository(sql),
    policies: sqlPolicyRepository(sql),
    events: sqlEventRepository(sql),
    eventSearch: sqlEventSearchRepository(sql, SQLITE_IMPACT_SQL),
    audit: sqlAuditRepository(sql),
    apiTokens: sqlApiTokenRepository(sql, (id) => users.findById(id)),
    settings: sqlSettingsRepository(sql),
    drafts: sqlDraftRepository(sql),
    exceptions: sqlExceptionRepository(sql),
    unlockKeys: sqlUnlockKeyRepository(sql),
    alerts: sqlAlertRepository(sql),
    triage: sqliteTriageRepository(sql),
    reportSchedules: sqlReportScheduleRepository(sql),
    savedFilters: sqlSavedFilterRepository(sql),
    contentReport: sqliteContentReportRepository(sql),
  };
}

/** Every migration of console.sqlite: the one schema source rendered for SQLite. */
export { SQLITE_MIGRATIONS };

/** The SQLite store and what its file is made of (logged at start). */
export interface SqliteConsoleStore extends ConsoleStore {
  /** Bytes per page: NEW_DATABASE_PAGE_SIZE unless the file was created by an earlier version. */
  readonly pageSize: number;
}

/** Opens (creating if needed) and migrates the console database. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteConsoleStore> {
  const db = await SqliteWorkerDatabase.open(options.path, { synchronous: options.synchronous ?? 'FULL' });
  let pageSize: number;
  try {
    await migrate(db, SQLITE_MIGRATIONS);
    pageSize = (await db.get<{ page_size: number }>('PRAGMA page_size'))?.page_size ?? 0;
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  // Outside a transaction each statement goes through the connection's queue (the connection has
  // the same run/get/all/exec shape as the in-transaction statements).
  const outside = repositories(db);
  const inside = repositories(db.statements);
  return {
    ...outside,
    transaction: (fn) => db.transaction(() => fn(inside)),
    // Two: while one group's COMMIT runs on the worker, the next group's rows are already being
    // built here and queued behind it (the connection passes on once the COMMIT is sent). Measured
    // 6–16 % more events/s than one in five alternating runs (docs/BENCHMARKS.md).
    ingestTransactions: 2,
    pageSize,
    close: () => db.close(),
  };
}
