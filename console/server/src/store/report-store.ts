import type { ReportRun, ReportRunStatus, ReportSchedule } from '@dlp/shared';

/** A run as stored; `triggerKey` is `scheduled` or `manual:<id>` (part of the unique claim key). */
export interface ReportRunRecord extends Omit<ReportRun, 'trigger' | 'nextAttemptAt'> {
  triggerKey: string;
  claimedAt: string;
  nextAttemptAtMs: number | null;
}

export type NewReportRunRecord = Omit<ReportRunRecord, 'id'>;

/** What a delivery attempt ended in. */
export interface ReportRunOutcome {
  status: ReportRunStatus;
  attempts: number;
  nextAttemptAtMs: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  eventRows: number | null;
}

/** Scheduled report settings and their runs (part of StoreRepositories). */
export interface ReportScheduleRepository {
  list(): Promise<ReportSchedule[]>;
  find(id: string): Promise<ReportSchedule | undefined>;
  /** Inserts or replaces the schedule. */
  save(schedule: ReportSchedule): Promise<void>;
  /** Deletes the schedule and its runs; false when it did not exist. */
  delete(id: string): Promise<boolean>;
  /**
   * Claims (schedule, period start, trigger) for this node: inserts the run unless that key exists.
   * Returns the new run's id, or null when another node (or an earlier tick) already claimed it.
   */
  claimRun(run: NewReportRunRecord): Promise<number | null>;
  /**
   * Takes over a run waiting for a retry whose time has come: only one node's conditional update
   * succeeds. Returns false when someone else took it first.
   */
  claimRetry(id: number, claimedBy: string, claimedAt: string, dueAtMs: number): Promise<boolean>;
  /** Runs still `running` that were claimed before `claimedBefore` (ISO): their node died mid-run. */
  staleRuns(claimedBefore: string, limit: number): Promise<ReportRunRecord[]>;
  /** Takes over a stale run if nobody re-claimed it since `previousClaimedAt`; false otherwise. */
  claimStale(id: number, claimedBy: string, claimedAt: string, previousClaimedAt: string): Promise<boolean>;
  /** Runs waiting for a retry due at or before `nowMs`. */
  dueRetries(nowMs: number, limit: number): Promise<ReportRunRecord[]>;
  finishAttempt(id: number, outcome: ReportRunOutcome): Promise<void>;
  findRun(id: number): Promise<ReportRunRecord | undefined>;
  /** Newest first. */
  listRuns(scheduleId: string, limit: number): Promise<ReportRunRecord[]>;
  /** Failed delivery attempts of a schedule, over all its runs. */
  countFailedAttempts(scheduleId: string): Promise<number>;
}
