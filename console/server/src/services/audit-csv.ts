import type { AuditEntry } from '@dlp/shared';

/** Excel and LibreOffice open this (with the BOM) as UTF-8, so Chinese names survive. */
export const UTF8_BOM = '\uFEFF';

export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'actor_kind',
  'actor_id',
  'actor_username',
  'actor_role',
  'actor_system',
  'action',
  'target_type',
  'target_id',
  'source_ip',
  'before',
  'after',
  'prev_hash',
  'hash',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled. A field
 * a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe, because
 * audit rows carry attacker-chosen text such as the user name of a failed login.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function entryFields(entry: AuditEntry): (string | number | null)[] {
  const actor = entry.actor;
  return [
    entry.id,
    entry.at,
    actor.kind,
    actor.kind === 'user' ? actor.id : null,
    actor.kind === 'user' ? actor.username : null,
    actor.kind === 'user' ? actor.role : null,
    actor.kind === 'system' ? actor.system : null,
    entry.action,
    entry.target?.type ?? null,
    entry.target?.id ?? null,
    entry.sourceIp,
    entry.before === undefined ? null : JSON.stringify(entry.before),
    entry.after === undefined ? null : JSON.stringify(entry.after),
    entry.prevHash,
    entry.hash,
  ];
}

/** The CSV as lines ending in CRLF: BOM + header first, then one line per row, as the rows arrive. */
export async function* auditCsvLines(entries: AsyncIterable<AuditEntry>): AsyncGenerator<string> {
  yield `${UTF8_BOM}${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
  for await (const entry of entries) yield `${entryFields(entry).map(csvField).join(',')}\r\n`;
}
