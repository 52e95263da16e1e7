import type { AgentCondition, AgentInfo, AgentSortKey, CapabilityReport } from '@dlp/shared';

// Agents and their enrollment (enroll secrets, approval requests): records and repositories.
// Re-exported by store.ts, which every caller imports.

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
  /**
   * Agents with tamper events (`TAMPER_EVENT_TYPES` of @dlp/shared, action blocked) or bypass
   * events that occurred at or after `sinceMs`, from the partial index that holds only those.
   */
  incidentsSince(sinceMs: number): Promise<Map<string, AgentIncidents>>;
  /**
   * One page of the agent table: the agents meeting the query (revoked ones too, unless
   * `activeOnly`; a condition is met by non-revoked agents only), sorted, from `offset`, with how
   * many meet it. Filtered, sorted and paged in SQL, so a page reads its own rows only.
   */
  tablePage(query: AgentTableQuery, context: FleetContext): Promise<{ agents: AgentRecord[]; total: number }>;
  /** The fleet overview: non-revoked agents, and how many meet each condition, counted in SQL. */
  countConditions(context: FleetContext): Promise<{ total: number; counts: Record<AgentCondition, number> }>;
}

/** The agent table's query: the list's filters, the OS and condition, the sort and the page. */
export interface AgentTableQuery extends Omit<AgentListFilter, 'afterId' | 'limit'> {
  /** `info.os` equals this. */
  os?: string;
  condition?: AgentCondition;
  /** Absent: id order (enrollment order). */
  sort?: AgentSortKey;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** What the fleet conditions and the group sort read besides the agents' own columns. */
export interface FleetContext {
  nowMs: number;
  /** Every group: the policy serial its agents should enforce (null: none) and its rank by name. */
  groups: readonly FleetGroup[];
  /** The rank of an agent whose group is not among them (as an empty group name). */
  unknownGroupRank: number;
}

export interface FleetGroup {
  id: string;
  expectedSerial: number | null;
  /** Place in the table's group-name order (lower-cased names; equal names share a rank). */
  nameRank: number;
}

/** Which kinds of incident an agent reported in a time window. */
export interface AgentIncidents {
  tamper: boolean;
  bypass: boolean;
}
