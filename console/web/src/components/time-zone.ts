/** The browser's IANA time zone: exports' local-time column, a new report schedule's default zone. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
