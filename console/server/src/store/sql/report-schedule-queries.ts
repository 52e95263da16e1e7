import { reportSchedule, type ReportRunStatus, type ReportSchedule } from '@dlp/shared';
import type { SqlStatements } from '@dlp/shared/node';
import type { ReportRunRecord, ReportScheduleRepository } from '../report-store';

interface RunRow {
  id: number;
  schedule_id: string;
  period_start: string;
  period_end: string;
  trigger_key: string;
  claimed_by: string;
  claimed_at: string;
  status: ReportRunStatus;
  attempts: number;
  next_attempt_at_ms: number | null;
  last_error: string | null;
  delivered_at: string | null;
  event_rows: number | null;
}

function toRun(row: RunRow): ReportRunRecord {
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    triggerKey: row.trigger_key,
    claimedBy: row.claimed_by,
    claimedAt: row.claimed_at,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAtMs: row.next_attempt_at_ms,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    eventRows: row.event_rows,
  };
}

function toSchedule(row: { json: string }): ReportSchedule {
  // Written by this console from a validated schedule; parsed again so a bad row fails loudly.
  return reportSchedule.parse(JSON.parse(row.json));
}

/** Report schedules (JSON documents) and their runs; portable SQL (SQLite and PostgreSQL). */
export function sqlReportScheduleRepository(sql: SqlStatements): ReportScheduleRepository {
  return {
    async list() {
      return (await sql.all<{ json: string }>('SELECT json FROM report_schedules ORDER BY created_at, id')).map(toSchedule);
    },
    async find(id) {
      const row = await sql.get<{ json: string }>('SELECT json FROM report_schedules WHERE id = ?', [id]);
      return row ? toSchedule(row) : undefined;
    },
    async save(schedule) {
      await sql.run(
        `INSERT INTO report_schedules (id, json, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`,
        [schedule.id, JSON.stringify(schedule), schedule.createdAt, schedule.updatedAt],
      );
    },
    async delete(id) {
      await sql.run('DELETE FROM report_runs WHERE schedule_id = ?', [id]);
      return (await sql.run('DELETE FROM report_schedules WHERE id = ?', [id])).changes > 0;
    },
    async claimRun(run) {
      const result = await sql.run(
        `INSERT INTO report_runs (schedule_id, period_start, period_end, trigger_key, claimed_by, claimed_at, status, attempts, next_attempt_at_ms, last_error, delivered_at, event_rows)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (schedule_id, period_start, trigger_key) DO NOTHING`,
        [run.scheduleId, run.periodStart, run.periodEnd, run.triggerKey, run.claimedBy, run.claimedAt, run.status, run.attempts, run.nextAttemptAtMs, run.lastError, run.deliveredAt, run.eventRows],
      );
      if (result.changes !== 1) return null;
      const row = await sql.get<{ id: number }>('SELECT id FROM report_runs WHERE schedule_id = ? AND period_start = ? AND trigger_key = ?', [run.scheduleId, run.periodStart, run.triggerKey]);
      return row?.id ?? null;
    },
    async claimRetry(id, claimedBy, claimedAt, dueAtMs) {
      const result = await sql.run(
        "UPDATE report_runs SET status = 'running', claimed_by = ?, claimed_at = ? WHERE id = ? AND status = 'retrying' AND next_attempt_at_ms = ?",
        [claimedBy, claimedAt, id, dueAtMs],
      );
      return result.changes === 1;
    },
    async staleRuns(claimedBefore, limit) {
      const rows = await sql.all<RunRow>("SELECT * FROM report_runs WHERE status = 'running' AND claimed_at < ? ORDER BY id LIMIT ?", [claimedBefore, limit]);
      return rows.map(toRun);
    },
    async claimStale(id, claimedBy, claimedAt, previousClaimedAt) {
      const result = await sql.run("UPDATE report_runs SET claimed_by = ?, claimed_at = ? WHERE id = ? AND status = 'running' AND claimed_at = ?", [claimedBy, claimedAt, id, previousClaimedAt]);
      return result.changes === 1;
    },
    async dueRetries(nowMs, limit) {
      const rows = await sql.all<RunRow>("SELECT * FROM report_runs WHERE status = 'retrying' AND next_attempt_at_ms <= ? ORDER BY next_attempt_at_ms LIMIT ?", [nowMs, limit]);
      return rows.map(toRun);
    },
    async finishAttempt(id, outcome) {
      await sql.run('UPDATE report_runs SET status = ?, attempts = ?, next_attempt_at_ms = ?, last_error = ?, delivered_at = ?, event_rows = ? WHERE id = ?', [
        outcome.status,
        outcome.attempts,
        outcome.nextAttemptAtMs,
        outcome.lastError,
        outcome.deliveredAt,
        outcome.eventRows,
        id,
      ]);
    },
    async findRun(id) {
      const row = await sql.get<RunRow>('SELECT * FROM report_runs WHERE id = ?', [id]);
      return row ? toRun(row) : undefined;
    },
    async listRuns(scheduleId, limit) {
      return (await sql.all<RunRow>('SELECT * FROM report_runs WHERE schedule_id = ? ORDER BY id DESC LIMIT ?', [scheduleId, limit])).map(toRun);
    },
    async countFailedAttempts(scheduleId) {
      // Every attempt but a successful last one failed.
      const row = await sql.get<{ n: number | null }>(
        "SELECT sum(CASE WHEN status = 'delivered' THEN attempts - 1 ELSE attempts END) AS n FROM report_runs WHERE schedule_id = ? AND status <> 'running'",
        [scheduleId],
      );
      return row?.n ?? 0;
    },
  };
}
