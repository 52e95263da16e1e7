import type { ExceptionRequestTarget, PolicyDocument, PolicyException, PolicyMode, SignedException } from '@dlp/shared';

/** Store interfaces for drafts, exceptions and unlock keys (part of StoreRepositories). */

export interface DraftRecord {
  id: string;
  policyId: string;
  baseVersion: number;
  name: string;
  mode: PolicyMode;
  document: PolicyDocument;
  /** Username of the author. */
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface DraftRepository {
  insert(draft: DraftRecord): Promise<void>;
  findById(id: string): Promise<DraftRecord | undefined>;
  /** Returns false when no such draft exists. */
  update(id: string, document: PolicyDocument, updatedAt: string): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  /** Newest first. */
  listByPolicy(policyId: string): Promise<DraftRecord[]>;
}

/** Stored states; `expired` is derived from expiresAt when presenting. */
export type StoredExceptionState = 'pending' | 'approved' | 'denied' | 'revoked';

export interface ExceptionActorRecord {
  /** The person (for an API token: its owner). Records without `via` predate this and name the credential. */
  id: string;
  username: string;
  /** The role the credential acted in. */
  role: string;
  /** The credential: a cookie session or an API token. */
  via?: 'session' | 'api-token';
  /** API tokens only: which token. */
  tokenId?: string;
  tokenName?: string;
}

export interface ExceptionDelivery {
  status: 'applied' | 'rejected';
  action: 'grant' | 'revoke';
  error: string | null;
  at: string;
}

export interface ExceptionRecord {
  id: string;
  agentId: string;
  requestId: string | null;
  state: StoredExceptionState;
  target: ExceptionRequestTarget;
  justification: string;
  requestedMinutes: number;
  requestedBy: string | null;
  createdBy: ExceptionActorRecord | null;
  requestedAt: string;
  decidedBy: ExceptionActorRecord | null;
  decidedAt: string | null;
  decisionNote: string | null;
  grantedMinutes: number | null;
  expiresAt: string | null;
  revokedAt: string | null;
  serial: number | null;
  signed: SignedException | null;
  delivery: ExceptionDelivery | null;
}

export interface ExceptionListFilter {
  /** `expired` selects approved rows whose expiry is ≤ nowMs; `approved` only unexpired ones. */
  state?: StoredExceptionState | 'expired';
  agentId?: string;
  nowMs: number;
  /** Keyset pagination (ids are UUIDv7, so newest first by id). */
  beforeId?: string;
  limit: number;
}

export interface ExceptionRepository {
  /** Increments and returns the console-wide exception serial. */
  allocateSerial(): Promise<number>;
  insert(record: ExceptionRecord): Promise<void>;
  findById(id: string): Promise<ExceptionRecord | undefined>;
  findByRequestId(agentId: string, requestId: string): Promise<ExceptionRecord | undefined>;
  list(filter: ExceptionListFilter): Promise<ExceptionRecord[]>;
  /** Writes the decision fields (state, decided*, grant, revocation). */
  saveDecision(record: ExceptionRecord): Promise<void>;
  recordDelivery(id: string, delivery: ExceptionDelivery): Promise<boolean>;
  /** Approved, unexpired exceptions of an agent: re-sent at every hello. */
  activeForAgent(agentId: string, nowMs: number): Promise<ExceptionRecord[]>;
  /** Revoked before expiry and the agent has not confirmed the revoke: re-sent at every hello. */
  unconfirmedRevokesForAgent(agentId: string, nowMs: number): Promise<ExceptionRecord[]>;
}

export interface UnlockKeyRepository {
  insert(agentId: string, key: Buffer, createdAt: string): Promise<void>;
  find(agentId: string): Promise<Buffer | undefined>;
}

/** Narrowing helper: the exception a signed record carries. */
export function exceptionOf(record: ExceptionRecord): PolicyException | null {
  return record.signed?.exception ?? null;
}
