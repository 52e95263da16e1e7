import { formatDateTime, useI18n } from '../i18n';

/** "2026-05-04 08:00:00 UTC": the hover text of a local time. */
export function utcTitle(iso: string): string {
  return `${iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '')} UTC`;
}

/** The hover text of a time shown short or relative ("16:30:05", "5 min ago"): in full, local and UTC. */
export function fullTimeTitle(iso: string, language: Parameters<typeof formatDateTime>[1]): string {
  return `${formatDateTime(iso, language)} (${utcTitle(iso)})`;
}

/**
 * A time in the user's zone and language, with UTC on hover: the console's one time rule. Every
 * standalone time of a page uses it; times inside a sentence are local (the sentence says so).
 */
export function LocalTime({ iso }: { iso: string }) {
  const { language } = useI18n();
  return (
    <time dateTime={iso} title={utcTitle(iso)}>
      {formatDateTime(iso, language)}
    </time>
  );
}
