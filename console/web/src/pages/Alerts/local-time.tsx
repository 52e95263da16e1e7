import { formatDateTime, useI18n } from '../../i18n';

/** "2026-05-04 08:00:00 UTC": the hover text of a local time. */
export function utcTitle(iso: string): string {
  return `${iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '')} UTC`;
}

/** A time in the user's zone and language, with UTC on hover (the console's one time rule). */
export function LocalTime({ iso }: { iso: string }) {
  const { language } = useI18n();
  return (
    <time dateTime={iso} title={utcTitle(iso)}>
      {formatDateTime(iso, language)}
    </time>
  );
}
