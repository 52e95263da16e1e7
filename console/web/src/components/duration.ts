import type { I18n } from '../i18n';

const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR;

/** "3 d 4 h", "2 h 30 min", "45 min": the largest two units, for exception and code durations. */
export function formatMinutes(minutes: number, t: I18n['t']): string {
  const days = Math.floor(minutes / MINUTES_PER_DAY);
  const hours = Math.floor((minutes % MINUTES_PER_DAY) / MINUTES_PER_HOUR);
  const rest = minutes % MINUTES_PER_HOUR;
  const parts: string[] = [];
  if (days > 0) parts.push(t('duration.days', { count: days }));
  if (hours > 0) parts.push(t('duration.hours', { count: hours }));
  if (rest > 0 && days === 0) parts.push(t('duration.minutes', { count: rest }));
  return parts.length === 0 ? t('duration.minutes', { count: 0 }) : parts.slice(0, 2).join(' ');
}
