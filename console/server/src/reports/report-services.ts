import path from 'node:path';
import type { Logger } from '../logging/logger';
import type { AuditService } from '../audit/audit-service';
import { EventReportService } from '../events/event-report-service';
import { TriageService } from '../triage/triage-service';
import type { ConsoleStore } from '../store/store';
import { EventExportService } from './event-export-service';
import { ContentReportService } from './content-report-service';
import { createReportDeliverer, type ReportDeliverer, type SmtpConfig } from './report-delivery';
import { ReportRunner, type ReportRunnerOptions } from './report-runner';
import { ReportScheduleService } from './report-schedule-service';

/** Console options for scheduled reports. */
export interface ReportOptions {
  /** Outgoing mail for `smtp` deliveries; without it such deliveries fail (and are retried, counted). */
  smtp?: SmtpConfig;
  /** Root of `folder` deliveries; `<dataDir>/reports` by default. */
  folderRoot?: string;
  /** Runner tuning (tests: a fast tick, short backoff, an injected clock). */
  runner?: Pick<ReportRunnerOptions, 'tickMs' | 'maxAttempts' | 'backoffMs' | 'now'>;
  /** Replaces the SMTP/folder deliverer (tests of failure handling). */
  deliverer?: ReportDeliverer;
}

/** Triage, CSV export and scheduled reports, wired for one console node. */
export interface ReportServices {
  triage: TriageService;
  eventExport: EventExportService;
  /** Hosts and users by customer-data events. */
  contentReport: ContentReportService;
  schedules: ReportScheduleService;
  runner: ReportRunner;
  close(): Promise<void>;
}

export function createReportServices(deps: { store: ConsoleStore; audit: AuditService; logger: Logger; dataDir: string; nodeId: string }, options: ReportOptions = {}): ReportServices {
  const deliverer = options.deliverer ?? createReportDeliverer({ folderRoot: options.folderRoot ?? path.join(deps.dataDir, 'reports'), smtp: options.smtp });
  const runner = new ReportRunner(deps.store, new EventReportService(deps.store), deliverer, deps.logger, { nodeId: deps.nodeId, ...options.runner });
  runner.start();
  return {
    triage: new TriageService(deps.store, deps.audit),
    eventExport: new EventExportService(deps.store),
    contentReport: new ContentReportService(deps.store),
    schedules: new ReportScheduleService(deps.store, deps.audit, runner),
    runner,
    close: () => runner.stop(),
  };
}
