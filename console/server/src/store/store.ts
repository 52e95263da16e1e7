import type { DraftRepository, ExceptionRepository, UnlockKeyRepository } from './lifecycle-store';
import type { ApiTokenRepository, SettingsRepository } from './access-store';
import type { NewUserRecord, UserRecord } from './user-record';
import type { AlertRepository } from './alert-store';
import type { EventSearchRepository } from './event-search-store';
import type { TriageRepository } from './triage-store';
import type { AgentRepository, EnrollSecretRepository } from './agent-store';
import type { ReportScheduleRepository } from './report-store';
import type { SavedFilterRepository } from './saved-filter-store';
import type { ContentReportRepository } from './content-report-store';
import type { PolicyMode, Role, SignedPolicy, StoredEvent } from '@dlp/shared';

export type { NewUserRecord, UserRecord } from './user-record';

export type {
  AckedSeqAdvance,
  EnrollSecretRecord,
  EnrollRequestRecord,
  EnrollSecretRepository,
  PolicyReceiptRecord,
  AgentRecord,
  AgentClockRecord,
  NewAgentRecord,
  AgentListFilter,
  AgentRepository,
  AgentIncidents,
  AgentTableQuery,
  FleetContext,
  FleetGroup,
} from './agent-store';

/**
 * The console's one persistence interface. Services depend on this, never on SQL, so a PostgreSQL
 * implementation can replace `store/sqlite` without touching them. Every method is a single,
 * self-contained operation; `transaction` groups several into one atomic unit.
 */
export interface ConsoleStore extends StoreRepositories {
  /**
   * Runs `fn` atomically: all writes made through `tx` commit together or not at all. Only `tx` may
   * be used inside `fn` (the outer repositories would wait for the transaction to end).
   */
  transaction<T>(fn: (tx: StoreRepositories) => Promise<T>): Promise<T>;
  /**
   * Ingest transactions that may be in flight at once (absent: 1). PostgreSQL runs the next group
   * on another connection while the previous one commits; SQLite (one writer) builds and queues the
   * next group while the previous COMMIT runs.
   */
  readonly ingestTransactions?: number;
  close(): Promise<void>;
}

/** The repositories a store (or one of its transactions) offers. */
export interface StoreRepositories {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly enrollSecrets: EnrollSecretRepository;
  readonly agents: AgentRepository;
  readonly groups: GroupRepository;
  readonly policies: PolicyRepository;
  readonly events: EventRepository;
  /** Search, roll-ups and aggregations over events (see event-search-store.ts). */
  readonly eventSearch: EventSearchRepository;
  readonly audit: AuditRepository;
  readonly apiTokens: ApiTokenRepository;
  readonly settings: SettingsRepository;
  readonly drafts: DraftRepository;
  readonly exceptions: ExceptionRepository;
  readonly unlockKeys: UnlockKeyRepository;
  readonly alerts: AlertRepository;
  readonly triage: TriageRepository;
  readonly reportSchedules: ReportScheduleRepository;
  /** People's named filter sets (the agent table's saved filters). */
  readonly savedFilters: SavedFilterRepository;
  /** Customer-data (content event) aggregations for reports (see content-report-store.ts). */
  readonly contentReport: ContentReportRepository;
}

/** The repositories handed to a `transaction` callback: pass it on so writes join the transaction. */
export type StoreTransaction = StoreRepositories;

export interface UserRepository {
  count(): Promise<number>;
  findByUsername(username: string): Promise<UserRecord | undefined>;
  findById(id: string): Promise<UserRecord | undefined>;
  /** Ordered by username. */
  list(): Promise<UserRecord[]>;
  insert(user: NewUserRecord): Promise<void>;
  /** Sets a new password hash with its change time and whether it must be changed at next login. */
  setPassword(id: string, passwordHash: string, changedAt: string, mustChange: boolean): Promise<void>;
  update(id: string, changes: { role?: Role; disabled?: boolean }): Promise<void>;
  setLoginState(id: string, failedLogins: number, lockedUntilMs: number | null): Promise<void>;
  countEnabledAdmins(): Promise<number>;
  /**
   * A number that grows with every password, role or enabled change (`setPassword`, `update`),
   * whoever wrote it: another node, or the `dlp` CLI beside a running console. Console nodes poll
   * it and re-check their live streams at once when it moves.
   */
  principalEpoch(): Promise<number>;
}

export interface SessionRecord {
  /** SHA-256 hex of the cookie value; the value itself is never stored. */
  tokenHash: string;
  userId: string;
  createdAt: string;
  expiresAtMs: number;
}

export interface SessionRepository {
  insert(session: SessionRecord): Promise<void>;
  /** The session and its (enabled) user, if the session exists and has not expired at `nowMs`. */
  findActive(tokenHash: string, nowMs: number): Promise<{ session: SessionRecord; user: UserRecord } | undefined>;
  delete(tokenHash: string): Promise<void>;
  deleteExpired(nowMs: number): Promise<number>;
  deleteForUser(userId: string): Promise<number>;
  /** Ends every session of the user except the one with this hash (after a password change). */
  deleteForUserExcept(userId: string, keepTokenHash: string): Promise<number>;
}

export interface GroupRecord {
  id: string;
  name: string;
  policyId: string | null;
  builtIn: boolean;
  createdAt: string;
}

export interface GroupRepository {
  findById(id: string): Promise<GroupRecord | undefined>;
  list(): Promise<GroupRecord[]>;
  insert(group: GroupRecord): Promise<void>;
  setPolicy(groupId: string, policyId: string): Promise<void>;
  listByPolicy(policyId: string): Promise<GroupRecord[]>;
  rename(groupId: string, name: string): Promise<void>;
  findByName(name: string): Promise<GroupRecord | undefined>;
  /** Returns false when no such group exists. */
  delete(groupId: string): Promise<boolean>;
}

/** A policy as listed: its current (latest) version. */
export interface PolicyRecord {
  id: string;
  name: string;
  mode: PolicyMode;
  version: number;
  serial: number;
  publishedAt: string;
}

/** One immutable published version; `signed` is the bundle exactly as agents receive it. */
export interface PolicyVersionRecord extends PolicyRecord {
  signed: SignedPolicy;
  /** Where the version came from: 'draft', 'rollback:<version>', 'reassign', 'save' (absent: older rows). */
  origin?: string | null;
}

export interface PolicyRepository {
  /** Increments and returns the console-wide policy serial. */
  allocateSerial(): Promise<number>;
  /** The last serial handed out (0 before the first policy). */
  latestSerial(): Promise<number>;
  /** Stores a new version and makes it the policy's current one (creating the policy on version 1). */
  insertVersion(version: PolicyVersionRecord): Promise<void>;
  findById(id: string): Promise<PolicyRecord | undefined>;
  findCurrentVersion(id: string): Promise<PolicyVersionRecord | undefined>;
  list(): Promise<PolicyRecord[]>;
  /** Newest version first. */
  listVersions(id: string): Promise<PolicyRecord[]>;
  /** The current version of the policy assigned to a group. */
  effectiveForGroup(groupId: string): Promise<PolicyVersionRecord | undefined>;
  findVersion(id: string, version: number): Promise<PolicyVersionRecord | undefined>;
  /** The published versions with these serials (any order; serials no version has are left out). */
  findBySerials(serials: readonly number[]): Promise<PolicyRecord[]>;
  findByName(name: string): Promise<PolicyRecord | undefined>;
}

export interface EventFilter {
  /** Half-open range on occurredAt, in Unix ms: fromMs ≤ t < toMs. */
  fromMs?: number;
  toMs?: number;
  agentId?: string;
  type?: string;
  action?: string;
  severity?: string;
  /** Keyset pagination: only rows ingested before this internal row id. */
  beforeRowId?: number;
  limit: number;
}

export interface EventRow {
  /** Internal, monotonically increasing ingest order. */
  rowId: number;
  event: StoredEvent;
}

/** Identifies one stored event: ingest is idempotent on this pair. */
export interface EventKey {
  agentId: string;
  seq: number;
}

export interface EventRepository {
  /**
   * Inserts events (of one or several agents), skipping (agentId, seq) pairs already stored.
   * Returns the keys actually inserted. Also extracts the search columns (group at ingest time)
   * and adds the inserted events to the roll-ups: call it inside `transaction` so both commit together.
   */
  insertEvents(events: readonly StoredEvent[]): Promise<EventKey[]>;
  /** Newest first (by ingest order). */
  query(filter: EventFilter): Promise<EventRow[]>;
}

/** One audit-log row exactly as stored; `hash` chains it to the row before (see audit-chain.ts). */
export interface AuditRecord {
  id: number;
  at: string;
  actorId: string | null;
  actorUsername: string | null;
  actorRole: Role | null;
  /** Set instead of the three actor fields when the console itself acted. */
  actorSystem: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** Canonical JSON text, or null when there was nothing before/after. */
  beforeJson: string | null;
  afterJson: string | null;
  sourceIp: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  /** ISO-8601 UTC (as stored): fromAt ≤ at < toAt. */
  fromAt?: string;
  toAt?: string;
  /** Matches the actor's username or system name. */
  actor?: string;
  action?: string;
  /** Matches every action starting with this (e.g. `user.`). */
  actionPrefix?: string;
  targetType?: string;
  targetId?: string;
  /** Keyset pagination: only rows with a smaller id (newest-first pages)… */
  beforeId?: number;
  /** …or a larger one (oldest-first walks). */
  afterId?: number;
  /** Newest first unless 'asc'. */
  order?: 'asc' | 'desc';
  limit: number;
}

/** Append-only: there is no update or delete, and the SQLite table refuses them with triggers. */
export interface AuditRepository {
  /** The row with the highest id (the chain's head), if any. */
  last(): Promise<AuditRecord | undefined>;
  /** Appends one row; its id must be last().id + 1 (callers hold the transaction). */
  append(row: AuditRecord): Promise<void>;
  /** Newest first (or oldest first with `order: 'asc'`). */
  query(filter: AuditFilter): Promise<AuditRecord[]>;
  /** Oldest first, rows with id > afterId: used to walk the whole chain in bounded pages. */
  listAfter(afterId: number, limit: number): Promise<AuditRecord[]>;
}
