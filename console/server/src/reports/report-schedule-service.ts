import { uuidv7, type ReportRun, type ReportScheduleInput, type ReportScheduleView } from '@dlp/shared';
import type { AuditEntryInput, AuditService } from '../audit/audit-service';
import { ServiceError } from '../service-kit/service-error';
import type { ReportRunRecord } from '../store/report-store';
import type { ConsoleStore } from '../store/store';
import type { ReportRunner } from './report-runner';

/** The admin acting and where from, as the audit log records them. */
export type ReportAuditWho = Pick<AuditEntryInput, 'actor' | 'sourceIp'>;

/** The API view of a stored run. */
export function toReportRun(run: ReportRunRecord): ReportRun {
  return {
    id: run.id,
    scheduleId: run.scheduleId,
    trigger: run.triggerKey === 'scheduled' ? 'scheduled' : 'manual',
    periodStart: run.periodStart,
    periodEnd: run.periodEnd,
    claimedBy: run.claimedBy,
    status: run.status,
    attempts: run.attempts,
    nextAttemptAt: run.nextAttemptAtMs === null ? null : new Date(run.nextAttemptAtMs).toISOString(),
    lastError: run.lastError,
    deliveredAt: run.deliveredAt,
    eventRows: run.eventRows,
  };
}

function notFound(id: string): ServiceError {
  return new ServiceError('not_found', 'not_found', `Report schedule ${id} does not exist.`);
}

/** Scheduled report settings (admins), their runs, and "run now"; every change audited. */
export class ReportScheduleService {
  constructor(
    private readonly store: ConsoleStore,
    private readonly audit: AuditService,
    private readonly runner: ReportRunner,
  ) {}

  async list(): Promise<ReportScheduleView[]> {
    const views: ReportScheduleView[] = [];
    for (const schedule of await this.store.reportSchedules.list()) views.push(await this.view(schedule.id));
    return views;
  }

  async view(id: string): Promise<ReportScheduleView> {
    const schedule = await this.store.reportSchedules.find(id);
    if (!schedule) throw notFound(id);
    const [lastRun] = await this.store.reportSchedules.listRuns(id, 1);
    return { schedule, lastRun: lastRun ? toReportRun(lastRun) : null, failedAttempts: await this.store.reportSchedules.countFailedAttempts(id) };
  }

  async create(input: ReportScheduleInput, who: ReportAuditWho): Promise<ReportScheduleView> {
    const now = new Date().toISOString();
    const schedule = { id: uuidv7(), ...input, createdAt: now, updatedAt: now };
    await this.store.transaction(async (tx) => {
      await tx.reportSchedules.save(schedule);
      await this.audit.record({ ...who, action: 'report_schedule.create', target: { type: 'report-schedule', id: schedule.id }, after: input }, tx);
    });
    return this.view(schedule.id);
  }

  async update(id: string, input: ReportScheduleInput, who: ReportAuditWho): Promise<ReportScheduleView> {
    await this.store.transaction(async (tx) => {
      const before = await tx.reportSchedules.find(id);
      if (!before) throw notFound(id);
      await tx.reportSchedules.save({ ...before, ...input, id, createdAt: before.createdAt, updatedAt: new Date().toISOString() });
      await this.audit.record({ ...who, action: 'report_schedule.update', target: { type: 'report-schedule', id }, before, after: input }, tx);
    });
    return this.view(id);
  }

  async delete(id: string, who: ReportAuditWho): Promise<void> {
    await this.store.transaction(async (tx) => {
      const before = await tx.reportSchedules.find(id);
      if (!before || !(await tx.reportSchedules.delete(id))) throw notFound(id);
      await this.audit.record({ ...who, action: 'report_schedule.delete', target: { type: 'report-schedule', id }, before }, tx);
    });
  }

  /** Renders and delivers the latest complete period now; the run (delivered, or failed and retrying) is returned. */
  async runNow(id: string, who: ReportAuditWho): Promise<ReportRun> {
    const schedule = await this.store.reportSchedules.find(id);
    if (!schedule) throw notFound(id);
    await this.audit.record({ ...who, action: 'report_schedule.run', target: { type: 'report-schedule', id } });
    return toReportRun(await this.runner.runNow(schedule, uuidv7()));
  }

  async runs(id: string): Promise<ReportRun[]> {
    if (!(await this.store.reportSchedules.find(id))) throw notFound(id);
    return (await this.store.reportSchedules.listRuns(id, 50)).map(toReportRun);
  }
}
