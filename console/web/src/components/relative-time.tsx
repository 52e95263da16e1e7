import { formatDateTime, formatRelative, useI18n } from '../i18n';

/** "3 minutes ago", with the absolute local date and time as tooltip and machine-readable value. */
export function RelativeTime({ iso, now }: { iso: string; now: number }) {
  const { language } = useI18n();
  return (
    <time dateTime={iso} title={formatDateTime(iso, language)}>
      {formatRelative(iso, now, language)}
    </time>
  );
}
