import { eventAction, eventType } from '@dlp/shared';
import { csvLine, UTF8_BOM } from '../service-kit/csv-format';
import type { ReportSummary } from './report-summary';
import { REPORT_TEXTS } from './report-texts';

/**
 * The summary rows as CSV (UTF-8 with BOM, formulas neutralised): one row per day × action, per
 * type, per action, per top host and user, and the week totals. Small whatever the event count.
 */
export function renderReportCsv(summary: ReportSummary): string {
  const t = REPORT_TEXTS[summary.language];
  const lines = [csvLine([t.section, t.key, t.action, t.count])];
  for (const day of summary.perDay) for (const action of eventAction.options) lines.push(csvLine([t.perDay, day.day, t.actions[action], day.counts[action]]));
  for (const type of eventType.options) lines.push(csvLine([t.byType, t.types[type], '', summary.byType[type]]));
  for (const action of eventAction.options) lines.push(csvLine([t.byAction, '', t.actions[action], summary.byAction[action]]));
  for (const host of summary.topHosts) lines.push(csvLine([t.topHosts, host.key, '', host.count]));
  for (const user of summary.topUsers) lines.push(csvLine([t.topUsers, user.key, '', user.count]));
  lines.push(csvLine([t.week, t.thisWeek, '', summary.week.current]));
  lines.push(csvLine([t.week, t.lastWeek, '', summary.week.previous]));
  return `${UTF8_BOM}${lines.join('')}`;
}
