import type { AuditEntry } from '@dlp/shared';
import { csvLines } from '../service-kit/csv-format';

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
export function auditCsvLines(entries: AsyncIterable<AuditEntry>): AsyncGenerator<string> {
  return csvLines(AUDIT_CSV_COLUMNS, entries, entryFields);
}
