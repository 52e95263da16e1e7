import { z } from 'zod';
import { triageFilterShape } from './triage-api';

/** IANA time zone name the runtime knows (e.g. `Asia/Shanghai`, `UTC`). */
export const timeZoneName = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Asia/Shanghai or UTC');

/** Language of report texts and CSV headers. */
export const reportLanguage = z.enum(['en', 'zh-CN']);
export type ReportLanguage = z.infer<typeof reportLanguage>;

/**
 * GET /api/v1/exports/events.csv: the filters of GET /triage/events (those of GET /events and
 * `triageState`), plus the time zone of
 * the "local time" column and the language of the header row.
 */
export const eventExportQuery = z.strictObject({
  ...triageFilterShape,
  tz: timeZoneName.default('UTC'),
  lang: reportLanguage.default('en'),
});
export type EventExportQuery = z.infer<typeof eventExportQuery>;

/**
 * Where a scheduled report goes: e-mail through the console's configured SMTP server, or files in
 * a sub-folder of the console's report folder (a plain name, so no path can leave that folder).
 */
export const reportDelivery = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('smtp'), recipients: z.array(z.email().max(254)).min(1).max(50) }),
  z.strictObject({
    kind: z.literal('folder'),
    folder: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a plain folder name (letters, digits, . _ -)'),
  }),
]);
export type ReportDelivery = z.infer<typeof reportDelivery>;

export const reportFrequency = z.enum(['daily', 'weekly']);
export type ReportFrequency = z.infer<typeof reportFrequency>;

const reportScheduleFields = {
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean(),
  frequency: reportFrequency,
  /** Weekly reports: ISO weekday of the run, 1 = Monday … 7 = Sunday. */
  weekday: z.number().int().min(1).max(7).nullable(),
  /** Local time of the run, `HH:MM` (24 h), in `timeZone`. */
  timeOfDay: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)'),
  timeZone: timeZoneName,
  language: reportLanguage,
  delivery: reportDelivery,
};

function checkWeekday(value: { frequency: ReportFrequency; weekday: number | null }, ctx: z.RefinementCtx): void {
  if (value.frequency === 'weekly' && value.weekday === null) ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'a weekly report needs a weekday (1 = Monday … 7 = Sunday)' });
}

/** POST /api/v1/report-schedules and PUT /api/v1/report-schedules/:id */
export const reportScheduleInput = z
  .strictObject({ ...reportScheduleFields, enabled: reportScheduleFields.enabled.default(true), weekday: reportScheduleFields.weekday.default(null) })
  .superRefine(checkWeekday);
export type ReportScheduleInput = z.infer<typeof reportScheduleInput>;

export const reportSchedule = z.strictObject({
  id: z.string(),
  ...reportScheduleFields,
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type ReportSchedule = z.infer<typeof reportSchedule>;

export const reportRunStatus = z.enum(['running', 'retrying', 'delivered', 'failed']);
export type ReportRunStatus = z.infer<typeof reportRunStatus>;

/** One run: a period of one schedule, claimed by exactly one console node. */
export const reportRun = z.strictObject({
  id: z.number().int(),
  scheduleId: z.string(),
  trigger: z.enum(['scheduled', 'manual']),
  periodStart: z.iso.datetime({ offset: true }),
  periodEnd: z.iso.datetime({ offset: true }),
  claimedBy: z.string(),
  status: reportRunStatus,
  /** Delivery attempts so far (failed ones and the successful one). */
  attempts: z.number().int(),
  nextAttemptAt: z.iso.datetime({ offset: true }).nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.iso.datetime({ offset: true }).nullable(),
  /** Events in the period. */
  eventRows: z.number().int().nullable(),
});
export type ReportRun = z.infer<typeof reportRun>;

/** A schedule with its latest run and how many delivery attempts have failed in all. */
export const reportScheduleView = z.strictObject({
  schedule: reportSchedule,
  lastRun: reportRun.nullable(),
  failedAttempts: z.number().int(),
});
export type ReportScheduleView = z.infer<typeof reportScheduleView>;

export const reportScheduleList = z.strictObject({ items: z.array(reportScheduleView) });
export const reportRunList = z.strictObject({ items: z.array(reportRun) });
export const reportScheduleParams = z.strictObject({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'must be a schedule id') });
