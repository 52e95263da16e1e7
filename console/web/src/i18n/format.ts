import type { Language } from './language';

/** Date and time formatting in the reader's language, via Intl (no locale data shipped by us). */

/** Full local date and time, e.g. for tooltips: `2026-11-28 16:30:05`. */
export function formatDateTime(iso: string, language: Language): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(date);
}

/** Time of day with seconds, for event rows: `16:30:05`. */
export function formatTimeOfDay(iso: string, language: Language): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(date);
}

/** Hours and minutes of a millisecond timestamp, for chart axes: `16:30`. */
export function formatClock(ms: number, language: Language): string {
  return new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(ms));
}

/** True when the timestamp is on the same local calendar day as `nowMs`. */
export function isSameLocalDay(iso: string, nowMs: number): boolean {
  const date = new Date(iso);
  const now = new Date(nowMs);
  return date.getFullYear() === now.getFullYear() && date.getMonth() === now.getMonth() && date.getDate() === now.getDate();
}

const RELATIVE_STEPS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "3 minutes ago" / "3分钟前"; anything under 10 s reads as "now". */
export function formatRelative(iso: string, nowMs: number, language: Language): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return iso;
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  let value = (then - nowMs) / 1000;
  if (Math.abs(value) < 10) return format.format(0, 'second');
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(value) < size) return format.format(Math.round(value), unit);
    value /= size;
  }
  return format.format(Math.round(value), 'year');
}

/** A count in the reader's number format (thousands separators). */
export function formatCount(value: number, language: Language): string {
  return new Intl.NumberFormat(language).format(value);
}
