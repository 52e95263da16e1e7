import { formatRelative, useI18n } from '../i18n';
import { fullTimeTitle } from './local-time';

/**
 * "3 minutes ago", with the absolute local date and time as tooltip and machine-readable value.
 * `past`: the time cannot be in the future (last seen, received): a value newer than `now` (the
 * page's clock ticks every few seconds, data refreshes in between) reads "now", not "in 20 seconds".
 */
export function RelativeTime({ iso, now, past = false }: { iso: string; now: number; past?: boolean }) {
  const { language } = useI18n();
  const reference = past ? Math.max(now, Date.parse(iso) || now) : now;
  return (
    <time dateTime={iso} title={fullTimeTitle(iso, language)}>
      {formatRelative(iso, reference, language)}
    </time>
  );
}
