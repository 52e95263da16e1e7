import type { ReportSchedule } from '@dlp/shared';

/** A calendar day (month 1–12). */
export interface LocalDay {
  year: number;
  month: number;
  day: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let format = partsFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    partsFormatters.set(timeZone, format);
  }
  return format;
}

/** The wall-clock fields of an instant in a zone. */
export function zonedParts(instantMs: number, timeZone: string): LocalDay & { hour: number; minute: number; second: number } {
  const out: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(new Date(instantMs))) if (part.type !== 'literal') out[part.type] = Number(part.value);
  return { year: out.year ?? 1970, month: out.month ?? 1, day: out.day ?? 1, hour: out.hour ?? 0, minute: out.minute ?? 0, second: out.second ?? 0 };
}

/** The zone's offset from UTC at an instant, in ms (east positive). */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const p = zonedParts(instantMs, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instantMs / 1000) * 1000;
}

/** The instant a wall-clock time in a zone happens (the later reading when a DST change makes it ambiguous). */
export function zonedTimeToUtc(day: LocalDay, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(day.year, day.month - 1, day.day, hour, minute);
  let guess = wall - zoneOffsetMs(wall, timeZone);
  // Twice: the offset at the first guess may differ from the offset at the answer near a DST change.
  guess = wall - zoneOffsetMs(guess, timeZone);
  return guess;
}

/** The calendar day `days` after (or before) a day. */
export function addDays(day: LocalDay, days: number): LocalDay {
  const date = new Date(Date.UTC(day.year, day.month - 1, day.day + days));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** ISO weekday of a calendar day: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: LocalDay): number {
  const weekday = new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** `YYYY-MM-DD` */
export function dayLabel(day: LocalDay): string {
  return `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
}

export interface ReportPeriod {
  /** When the run was due. */
  dueAtMs: number;
  /** The reported range: whole local days before the run day, [fromMs, toMs). */
  fromMs: number;
  toMs: number;
}

/**
 * The latest run of a schedule due at or before `nowMs`: a daily report at HH:MM covers the local
 * day before; a weekly one (on its weekday) covers the 7 local days before the run day.
 */
export function latestDuePeriod(schedule: Pick<ReportSchedule, 'frequency' | 'weekday' | 'timeOfDay' | 'timeZone'>, nowMs: number): ReportPeriod {
  const [hour = 0, minute = 0] = schedule.timeOfDay.split(':').map(Number);
  const today = zonedParts(nowMs, schedule.timeZone);
  let day: LocalDay = { year: today.year, month: today.month, day: today.day };
  for (let back = 0; back < 15; back += 1) {
    const candidate = day;
    const dueAtMs = zonedTimeToUtc(candidate, hour, minute, schedule.timeZone);
    const weekdayOk = schedule.frequency === 'daily' || isoWeekday(candidate) === schedule.weekday;
    if (weekdayOk && dueAtMs <= nowMs) {
      const days = schedule.frequency === 'daily' ? 1 : 7;
      return { dueAtMs, fromMs: zonedTimeToUtc(addDays(candidate, -days), 0, 0, schedule.timeZone), toMs: zonedTimeToUtc(candidate, 0, 0, schedule.timeZone) };
    }
    day = addDays(day, -1);
  }
  throw new Error('no due run within 15 days (invalid weekday?)');
}
