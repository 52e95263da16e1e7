import type { AuditFilters } from '../../api';

/** What the reader typed in the filter bar; empty strings mean "any". Dates are local `YYYY-MM-DD`. */
export interface AuditFilterInput {
  actor: string;
  action: string;
  targetType: string;
  fromDate: string;
  toDate: string;
}

/** Every filter empty: the whole log. */
export const NO_AUDIT_FILTERS: AuditFilterInput = { actor: '', action: '', targetType: '', fromDate: '', toDate: '' };

/** Local midnight of a `YYYY-MM-DD` date as ISO, or undefined for an empty or unreadable date. */
function localMidnight(date: string, addDays = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const value = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + addDays);
  return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
}

/**
 * The query the console understands. The "to" date is inclusive for people, so it becomes the next
 * local midnight (the console's ranges are half-open).
 */
export function toAuditFilters(input: AuditFilterInput): AuditFilters {
  const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
  return {
    actor: text(input.actor),
    action: text(input.action),
    targetType: text(input.targetType),
    from: localMidnight(input.fromDate),
    to: localMidnight(input.toDate, 1),
  };
}
