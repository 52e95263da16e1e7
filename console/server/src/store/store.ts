import type { DraftRepository, ExceptionRepository, UnlockKeyRepository } from './lifecycle-store';
import type { ApiTokenRepository, SettingsRepository } from './access-store';
import type { AlertRepository } from './alert-store';
import type { EventSearchRepository } from './event-search-store';
import type { TriageRepository } from './triage-store';
import type { ReportScheduleRepository } from './report-store';
import type { AgentInfo, CapabilityReport, PolicyMode, Role, SignedPolicy, StoredEvent } from '@dlp/shared';

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

/**
 * How far one commit moves an agent's acked seq. `ifAckedAtLeast` is the last seq of the batch
 * sent before these on the same connection: batches are committed as they arrive, so if an earlier
 * one failed, a later one must not move the acked seq past the failed events (the agent resumes
 * from the acked seq and would never send them again).
 */
export interface AckedSeqAdvance {
  upTo: number;
  ifAckedAtLeast: number;
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
}

/** The repositories handed to a `transaction` callback: pass it on so writes join the transaction. */
export type StoreTransaction = StoreRepositories;

export interface UserRecord {
  id: string;
  username: string;
  role: Role;
  /** Self-describing scrypt hash (see auth/password-hash.ts). */
  passwordHash: string;
  createdAt: string;
  disabled: boolean;
  /** When the password was last set (rotation is measured from here). */
  passwordChangedAt: string;
  /** Set for the printed first-admin password and for passwords an admin chose. */
  mustChangePassword: boolean;
  /** Consecutive failed logins since the last success or lockout. */
  failedLogins: number;
  /** Unix ms until which logins are refused (5 failures lock for 15 minutes). */
  lockedUntilMs: number | null;
}

/** What `insert` needs: the login-state fields default to a fresh, unlocked account. */
export type NewUserRecord = Omit<UserRecord, 'passwordChangedAt' | 'mustChangePassword' | 'failedLogins' | 'lockedUntilMs'> &
  Partial<Pick<UserRecord, 'passwordChangedAt' | 'mustChangePassword'>>;

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

export interface EnrollSecretRecord {
  id: string;
  label: string;
  /** SHA-256 hex of the secret. */
  secretHash: string;
  /** Agents enrolled with this secret join this group. */
  groupId: string;
  createdAt: string;
  /** Null: no limit. */
  maxUses: number | null;
  /** Agents enrolled with it so far. */
  useCount: number;
  expiresAt: string | null;
  needsApproval: boolean;
  /** Enrollments per minute; null: the console's default. */
  ratePerMinute: number | null;
}

/** An agent waiting for (or past) an admin's decision on a secret that needs approval. */
export interface EnrollRequestRecord {
  id: string;
  enrollSecretId: string;
  /** SHA-256 hex of the agent's request key. */
  requestKeyHash: string;
  info: AgentInfo;
  remoteAddress: string | null;
  requestedAt: string;
  lastSeenAt: string;
  status: 'pending' | 'approved' | 'rejected' | 'enrolled';
  decidedBy: string | null;
  decidedAt: string | null;
  agentId: string | null;
}

export interface EnrollSecretRepository {
  insert(secret: EnrollSecretRecord): Promise<void>;
  list(): Promise<EnrollSecretRecord[]>;
  findById(id: string): Promise<EnrollSecretRecord | undefined>;
  findByHash(secretHash: string): Promise<EnrollSecretRecord | undefined>;
  /** Deletes the secret and its enrollment requests. Returns false when no such secret exists. */
  delete(id: string): Promise<boolean>;
  /**
   * Counts one enrollment, only if the secret still exists, has uses left and has not expired at
   * `nowIso` (one conditional UPDATE, so concurrent enrollments on any node never overrun it).
   */
  claimUse(id: string, nowIso: string): Promise<boolean>;
  insertRequest(request: EnrollRequestRecord): Promise<void>;
  findRequest(enrollSecretId: string, requestKeyHash: string): Promise<EnrollRequestRecord | undefined>;
  findRequestById(id: string): Promise<EnrollRequestRecord | undefined>;
  /** Newest first; `status` undefined: all. */
  listRequests(status: EnrollRequestRecord['status'] | undefined, limit: number): Promise<EnrollRequestRecord[]>;
  touchRequest(id: string, seenAt: string, info: AgentInfo, remoteAddress: string | null): Promise<void>;
  /** pending → approved/rejected; false when the request is not pending (any more). */
  decideRequest(id: string, status: 'approved' | 'rejected', decidedBy: string, decidedAt: string): Promise<boolean>;
  markRequestEnrolled(id: string, agentId: string): Promise<void>;
  /** Pending requests per secret id. */
  pendingCounts(): Promise<Map<string, number>>;
}

export interface PolicyReceiptRecord {
  serial: number;
  hash: string;
  status: 'applied' | 'rejected';
  error: string | null;
  receivedAt: string;
}

export interface AgentRecord {
  id: string;
  /** SHA-256 hex of the agent's token. */
  tokenHash: string;
  groupId: string;
  /** Counts the agent's group moves (1 at enrollment): the serial of its signed group assignment. */
  groupSerial: number;
  info: AgentInfo;
  enrolledAt: string;
  lastSeenAt: string | null;
  online: boolean;
  revokedAt: string | null;
  /** Serial of the policy the agent last said it enforces. */
  policySerial: number | null;
  capabilities: CapabilityReport | null;
  /** Highest event sequence number committed for this agent. */
  ackedSeq: number;
  lastReceipt: PolicyReceiptRecord | null;
  /** The agent's measured clock offset (agent − console, ms), null until it reported its clock. */
  clock: AgentClockRecord | null;
}

/** An agent's clock as last measured: offset = agent clock − console clock, in ms. */
export interface AgentClockRecord {
  offsetMs: number;
  measuredAt: string;
}

export interface NewAgentRecord {
  id: string;
  tokenHash: string;
  groupId: string;
  info: AgentInfo;
  enrolledAt: string;
  enrollSecretId: string;
}

export interface AgentListFilter {
  online?: boolean;
  groupId?: string;
  /** Case-insensitive substring of the host name or logged-in user. */
  search?: string;
  /** Leave out revoked agents. */
  activeOnly?: boolean;
  /** Keyset pagination: only agents whose id sorts after this one. */
  afterId?: string;
  limit: number;
}

export interface AgentRepository {
  insert(agent: NewAgentRecord): Promise<void>;
  findById(id: string): Promise<AgentRecord | undefined>;
  /** Ordered by id (UUIDv7, so enrollment order). */
  list(filter: AgentListFilter): Promise<AgentRecord[]>;
  /** A good hello: refresh what the agent says about itself and mark it online. */
  recordHello(id: string, hello: { info: AgentInfo; policySerial: number | null; capabilities?: CapabilityReport; seenAt: string; clock?: AgentClockRecord }): Promise<void>;
  setOffline(id: string): Promise<void>;
  /** After a crash no connection survives, so start-up marks everyone offline. */
  setAllOffline(): Promise<void>;
  /** Last seen now; with `clock`, also the agent's newly measured clock offset. */
  touch(id: string, seenAt: string, clock?: AgentClockRecord): Promise<void>;
  recordCapabilities(id: string, capabilities: CapabilityReport, seenAt: string): Promise<void>;
  recordPolicyReceipt(id: string, receipt: PolicyReceiptRecord): Promise<void>;
  /**
   * For each agent: acked_seq = max(acked_seq, upTo) and last seen = seenAt — but only where
   * acked_seq is already ≥ `ifAckedAtLeast` (0: always). One statement for all.
   */
  advanceAckedSeqs(updates: ReadonlyMap<string, AckedSeqAdvance>, seenAt: string): Promise<void>;
  /** Returns false when no such agent exists or it was already revoked. */
  revoke(id: string, revokedAt: string): Promise<boolean>;
  /** Removes the agent record (its events stay, as evidence). Returns false when no such agent exists. */
  delete(id: string): Promise<boolean>;
  /** Moves an agent to another group; false when no such agent exists. */
  setGroup(id: string, groupId: string): Promise<boolean>;
  /** Non-revoked agents per group id. */
  countActiveByGroup(): Promise<Map<string, number>>;
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
