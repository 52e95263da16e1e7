import type { StoredEvent, TriageScope, TriageState } from '@dlp/shared';

/** Who set a state, and when. */
export interface TriageStateRecord {
  state: TriageState;
  updatedById: string;
  updatedBy: string;
  updatedAt: string;
}

/** The identity shared by identical events (see store/triage-fingerprint.ts). */
export interface TriageGroupKey {
  fingerprint: string;
  agentId: string;
  type: string;
  /** '' for events without a rule. */
  ruleKey: string;
  subjectKey: string;
}

/** Identifies one stored event. */
export interface TriageEventKey {
  agentId: string;
  seq: number;
}

/** An event's own and its group's triage state. */
export interface TriageAnnotation extends TriageEventKey {
  /**
   * The subject's identity as the store computes it from the event (sha256, else path; USB
   * vendor:product:serial; …): part of the group key, so the store's own join and callers agree.
   */
  subjectKey: string;
  eventState: TriageStateRecord | null;
  groupState: TriageStateRecord | null;
}

/** One event with its triage annotation. */
export interface TriagedEventRow {
  event: StoredEvent;
  annotation: TriageAnnotation;
}

export interface TriageHistoryRecord {
  id: number;
  scope: TriageScope;
  agentId: string;
  seq: number | null;
  fingerprint: string | null;
  at: string;
  actorId: string;
  actorUsername: string;
  state: TriageState | null;
  previousState: TriageState | null;
  note: string | null;
}

export type NewTriageHistoryRecord = Omit<TriageHistoryRecord, 'id'>;

/** Triage states and their history (part of StoreRepositories). */
export interface TriageRepository {
  /** The states of these events (any order; events that do not exist are left out). */
  annotate(keys: readonly TriageEventKey[]): Promise<TriageAnnotation[]>;
  /** One event by its agent and sequence number, with its states. */
  findEvent(agentId: string, seq: number): Promise<TriagedEventRow | undefined>;
  setEventState(agentId: string, seq: number, record: TriageStateRecord): Promise<void>;
  setGroupState(group: TriageGroupKey, record: TriageStateRecord): Promise<void>;
  appendHistory(entry: NewTriageHistoryRecord): Promise<number>;
  /** Oldest first: the event's own entries and its group's. */
  listHistory(agentId: string, seq: number, fingerprint: string): Promise<TriageHistoryRecord[]>;
}
