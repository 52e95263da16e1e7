import type { EmployeeLocale } from '@dlp/shared';
import type { PageText } from './page-text';

const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR;

/** A timestamp in the computer's own time zone, in the employee's language. */
export function formatLocalTime(iso: string, locale: EmployeeLocale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** `4 hours`, `3 days`, `90 min`: the largest whole unit. */
export function formatMinutes(minutes: number, words: PageText['duration']): string {
  if (minutes % MINUTES_PER_DAY === 0) return words.days(minutes / MINUTES_PER_DAY);
  if (minutes % MINUTES_PER_HOUR === 0) return words.hours(minutes / MINUTES_PER_HOUR);
  return words.minutes(minutes);
}

/** Enough of a SHA-256 to compare by eye with what the helpdesk sees (the console shows the same prefix). */
export function shortSha256(sha256: string): string {
  return sha256.slice(0, 12);
}
