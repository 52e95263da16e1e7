import type { EventAction, EventCountRow } from '@dlp/shared';
import type { StackedBar } from './stacked-bar-chart';

const DAY_MS = 86_400_000;

/** The browser's current UTC offset as the console wants it (`+08:00`), for day boundaries. */
export function browserOffset(now = new Date()): string {
  const minutes = -now.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The last `days` whole local days up to and including today: [from, to) as ISO instants. */
export function lastDays(days: number, now = new Date()): { from: string; to: string } {
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  const from = new Date(tomorrow.getFullYear(), tomorrow.getMonth(), tomorrow.getDate() - days);
  return { from: from.toISOString(), to: tomorrow.toISOString() };
}

/** One bar per day of the range (days without events included), values summed over types. */
export function dailyBars(rows: readonly EventCountRow[], from: string, to: string, label: (startMs: number) => string): StackedBar[] {
  const byStart = new Map<number, Partial<Record<EventAction, number>>>();
  for (const row of rows) {
    const start = Date.parse(row.start);
    const values = byStart.get(start) ?? {};
    values[row.action] = (values[row.action] ?? 0) + row.count;
    byStart.set(start, values);
  }
  const bars: StackedBar[] = [];
  const starts = [...byStart.keys()].sort((a, b) => a - b);
  // Bucket starts come from the console (its day boundaries); fill the days it had nothing for.
  const first = starts[0] ?? Date.parse(from);
  const origin = first - Math.ceil((first - Date.parse(from)) / DAY_MS) * DAY_MS;
  for (let start = origin; start < Date.parse(to); start += DAY_MS) {
    bars.push({ key: String(start), label: label(start), values: byStart.get(start) ?? {} });
  }
  return bars;
}
