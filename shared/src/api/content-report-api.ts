import { z } from 'zod';
import { timestamp } from '../schemas/primitives';

/** Longest range of the customer-data report: a quarter and a bit, as the reports page offers 90 days. */
export const MAX_CONTENT_REPORT_DAYS = 400;

/**
 * GET /api/v1/reports/content/top: the hosts and users with the most customer-data events (type
 * `content`) in a half-open range on the event's placed time, as the search counts them, so each
 * row's drill-down (`type=content`, the host or user, the same range) finds exactly its events.
 */
export const contentTopQuery = z
  .strictObject({
    from: timestamp,
    to: timestamp,
    limit: z.coerce.number().int().min(1).max(100).default(10),
  })
  .superRefine((value, ctx) => {
    const span = Date.parse(value.to) - Date.parse(value.from);
    if (span <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (span > MAX_CONTENT_REPORT_DAYS * 86_400_000) ctx.addIssue({ code: 'custom', path: ['to'], message: `range too long: at most ${MAX_CONTENT_REPORT_DAYS} days` });
  });
export type ContentTopQuery = z.infer<typeof contentTopQuery>;

/** One host or user: its customer-data events, and the detected values they report (sum of the per-detector counts). */
export const contentTopRow = z.strictObject({
  key: z.string(),
  events: z.number().int().min(0),
  values: z.number().int().min(0),
});
export type ContentTopRow = z.infer<typeof contentTopRow>;

export const contentTopReport = z.strictObject({
  from: timestamp,
  to: timestamp,
  /** Most events first, then most values, then by name. */
  hosts: z.array(contentTopRow),
  /** Events without a user are left out here (they still count for their host). */
  users: z.array(contentTopRow),
});
export type ContentTopReport = z.infer<typeof contentTopReport>;
