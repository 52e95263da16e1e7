import { migrate, type SqliteStatements } from '@dlp/shared/node';
import type { ConsoleStore, StoreRepositories } from '../store';
import { sqliteAgentRepository } from './agent-queries';
import { ALERT_MIGRATIONS } from './alert-migrations';
import { sqliteAlertRepository } from './alert-queries';
import { sqliteDraftRepository } from './draft-queries';
import { sqliteExceptionRepository } from './exception-queries';
import { sqliteUnlockKeyRepository } from './unlock-key-queries';
import { SqliteWorkerDatabase } from './sqlite-worker-db';
import { sqliteApiTokenRepository, sqliteSettingsRepository } from './api-token-queries';
import { sqliteAuditRepository } from './audit-queries';
import { sqliteEnrollSecretRepository } from './enroll-secret-queries';
import { sqliteEventRepository } from './event-queries';
import { AGENT_CLOCK_MIGRATIONS } from './agent-clock-migrations';
import { GROUP_BINDING_MIGRATIONS } from './group-binding-migrations';
import { API_TOKEN_MIGRATIONS } from './api-token-migrations';
import { ENROLLMENT_MIGRATIONS } from './enrollment-migrations';
import { EVENT_DETAIL_MIGRATIONS } from './event-detail-migrations';
import { EVENT_SEARCH_MIGRATIONS } from './event-search-migrations';
import { sqliteEventSearchRepository } from './event-search-queries';
import { sqliteGroupRepository } from './group-queries';
import { CONSOLE_MIGRATIONS } from './migrations';
import { LIFECYCLE_MIGRATIONS } from './lifecycle-migrations';
import { REPORT_MIGRATIONS } from './report-migrations';
import { sqliteTriageRepository } from './triage-queries';
import { sqliteReportScheduleRepository } from './report-schedule-queries';
import { sqlitePolicyRepository } from './policy-queries';
import { sqliteSessionRepository, sqliteUserRepository } from './user-queries';

export interface SqliteStoreOptions {
  /** Path of console.sqlite. */
  path: string;
  /** FULL by default: the console acks events only after a commit that survives power loss. */
  synchronous?: 'FULL' | 'NORMAL';
}

function repositories(sql: SqliteStatements): StoreRepositories {
  const users = sqliteUserRepository(sql);
  return {
    users,
    sessions: sqliteSessionRepository(sql),
    enrollSecrets: sqliteEnrollSecretRepository(sql),
    agents: sqliteAgentRepository(sql),
    groups: sqliteGroupRepository(sql),
    policies: sqlitePolicyRepository(sql),
    events: sqliteEventRepository(sql),
    eventSearch: sqliteEventSearchRepository(sql),
    audit: sqliteAuditRepository(sql),
    apiTokens: sqliteApiTokenRepository(sql, (id) => users.findById(id)),
    settings: sqliteSettingsRepository(sql),
    drafts: sqliteDraftRepository(sql),
    exceptions: sqliteExceptionRepository(sql),
    unlockKeys: sqliteUnlockKeyRepository(sql),
    alerts: sqliteAlertRepository(sql),
    triage: sqliteTriageRepository(sql),
    reportSchedules: sqliteReportScheduleRepository(sql),
  };
}

/** Every migration of console.sqlite, all areas (ids are unique across the lists). */
export const SQLITE_MIGRATIONS = [...CONSOLE_MIGRATIONS, ...LIFECYCLE_MIGRATIONS, ...EVENT_SEARCH_MIGRATIONS, ...REPORT_MIGRATIONS, ...ALERT_MIGRATIONS, ...EVENT_DETAIL_MIGRATIONS, ...API_TOKEN_MIGRATIONS, ...AGENT_CLOCK_MIGRATIONS, ...GROUP_BINDING_MIGRATIONS, ...ENROLLMENT_MIGRATIONS];

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
