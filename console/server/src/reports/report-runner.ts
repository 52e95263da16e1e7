import type { ReportSchedule } from '@dlp/shared';
import { errorFields, type Logger } from '../logging/logger';
import type { EventReportService } from '../events/event-report-service';
import type { ReportRunRecord } from '../store/report-store';
import type { ConsoleStore } from '../store/store';
import { renderReportCsv } from './report-csv';
import type { ReportDeliverer } from './report-delivery';
import { renderReportHtml, renderReportText } from './report-html';
import { dayLabel, latestDuePeriod, zonedParts } from './report-schedule-time';
import { buildReportSummary } from './report-summary';
import { REPORT_TEXTS } from './report-texts';

export interface ReportRunnerOptions {
  /** This console node's name, recorded on the runs it claims. */
  nodeId: string;
  /** How often due schedules and retries are checked; 30 s by default. */
  tickMs?: number;
  /** Attempts before a run is given up as failed; 5 by default. */
  maxAttempts?: number;
  /** A run still `running` this long after its claim is taken over by another tick; 15 minutes by default. */
  staleAfterMs?: number;
  /** Wait before retry n (1-based); 1, 5, 25, 125 minutes by default. */
  backoffMs?: (attempt: number) => number;
  now?: () => number;
}

const DEFAULT_BACKOFF = (attempt: number): number => 60_000 * 5 ** (attempt - 1);

/** Control characters out of a mail subject (names are people's text). */
function oneLine(text: string): string {
  return [...text].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c)).join('');
}

/**
 * Runs scheduled reports: every tick, claims each schedule's latest due period (the database's
 * unique key on schedule + period lets exactly one console node win), renders and delivers it,
 * and retries failed deliveries with exponential backoff until `maxAttempts`.
 */
export class ReportRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly maxAttempts: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly staleAfterMs: number;

  constructor(
    private readonly store: ConsoleStore,
    private readonly reports: EventReportService,
    private readonly deliverer: ReportDeliverer,
    private readonly logger: Logger,
    private readonly options: ReportRunnerOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoffMs = options.backoffMs ?? DEFAULT_BACKOFF;
    this.staleAfterMs = options.staleAfterMs ?? 15 * 60_000;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 30_000);
    this.timer.unref();
  }

  /** Stops ticking and waits for a delivery in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over schedules and due retries; overlapping calls wait for the one in progress. */
  tick(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Runs the schedule's latest complete period now, as a manual run (never blocks the scheduled one). */
  async runNow(schedule: ReportSchedule, runKey: string): Promise<ReportRunRecord> {
    const period = latestDuePeriod(schedule, this.now());
    const id = await this.claim(schedule, period.fromMs, period.toMs, `manual:${runKey}`);
    if (id === null) throw new Error('manual run key already used');
    await this.attempt(id, schedule, period.fromMs, period.toMs, 0);
    const run = await this.store.reportSchedules.findRun(id);
    if (!run) throw new Error(`report run ${id} vanished`);
    return run;
  }

  private async pass(): Promise<void> {
    try {
      const now = this.now();
      for (const schedule of await this.store.reportSchedules.list()) {
        if (!schedule.enabled) continue;
        const period = latestDuePeriod(schedule, now);
        // A new schedule starts with its next run, not with one that was due before it existed.
        if (period.dueAtMs < Date.parse(schedule.createdAt)) continue;
        const id = await this.claim(schedule, period.fromMs, period.toMs, 'scheduled');
        if (id !== null) await this.attempt(id, schedule, period.fromMs, period.toMs, 0);
      }
      // A run left `running` by a node that died mid-delivery is taken over (it may then be delivered twice).
      for (const run of await this.store.reportSchedules.staleRuns(new Date(now - this.staleAfterMs).toISOString(), 20)) {
        const schedule = await this.store.reportSchedules.find(run.scheduleId);
        if (!schedule) continue;
        if (!(await this.store.reportSchedules.claimStale(run.id, this.options.nodeId, new Date(now).toISOString(), run.claimedAt))) continue;
        await this.attempt(run.id, schedule, Date.parse(run.periodStart), Date.parse(run.periodEnd), run.attempts);
      }
      for (const run of await this.store.reportSchedules.dueRetries(now, 20)) {
        const schedule = await this.store.reportSchedules.find(run.scheduleId);
        if (!schedule || run.nextAttemptAtMs === null) continue;
        if (!(await this.store.reportSchedules.claimRetry(run.id, this.options.nodeId, new Date(now).toISOString(), run.nextAttemptAtMs))) continue;
        await this.attempt(run.id, schedule, Date.parse(run.periodStart), Date.parse(run.periodEnd), run.attempts);
      }
    } catch (err) {
      this.logger.error('scheduled reports pass failed', errorFields(err));
    }
  }

  private claim(schedule: ReportSchedule, fromMs: number, toMs: number, triggerKey: string): Promise<number | null> {
    return this.store.reportSchedules.claimRun({
      scheduleId: schedule.id,
      periodStart: new Date(fromMs).toISOString(),
      periodEnd: new Date(toMs).toISOString(),
      triggerKey,
      claimedBy: this.options.nodeId,
      claimedAt: new Date(this.now()).toISOString(),
      status: 'running',
      attempts: 0,
      nextAttemptAtMs: null,
      lastError: null,
      deliveredAt: null,
      eventRows: null,
    });
  }

  private async attempt(runId: number, schedule: ReportSchedule, fromMs: number, toMs: number, previousAttempts: number): Promise<void> {
    const attempts = previousAttempts + 1;
    let eventRows: number | null = null;
    try {
      const summary = await buildReportSummary(this.reports, { title: schedule.name, language: schedule.language, timeZone: schedule.timeZone, fromMs, toMs });
      eventRows = summary.total;
      const firstDay = dayLabel(zonedParts(fromMs, schedule.timeZone));
      const lastDay = dayLabel(zonedParts(toMs - 1, schedule.timeZone));
      await this.deliverer.deliver(
        {
          baseName: `report-${schedule.id}-${firstDay}${schedule.frequency === 'weekly' ? `-${lastDay}` : ''}-${runId}`,
          subject: oneLine(`${REPORT_TEXTS[schedule.language].heading}: ${schedule.name} (${firstDay === lastDay ? firstDay : `${firstDay} – ${lastDay}`})`),
          html: renderReportHtml(summary),
          text: renderReportText(summary),
          csv: renderReportCsv(summary),
        },
        schedule.delivery,
      );
      await this.store.reportSchedules.finishAttempt(runId, { status: 'delivered', attempts, nextAttemptAtMs: null, lastError: null, deliveredAt: new Date(this.now()).toISOString(), eventRows });
      this.logger.info('scheduled report delivered', { scheduleId: schedule.id, runId, delivery: schedule.delivery.kind, attempts });
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      const giveUp = attempts >= this.maxAttempts;
      await this.store.reportSchedules.finishAttempt(runId, {
        status: giveUp ? 'failed' : 'retrying',
        attempts,
        nextAttemptAtMs: giveUp ? null : this.now() + this.backoffMs(attempts),
        lastError: message,
        deliveredAt: null,
        eventRows,
      });
      this.logger.warn('scheduled report delivery failed', { scheduleId: schedule.id, runId, attempts, willRetry: !giveUp, error: message });
    }
  }
}
