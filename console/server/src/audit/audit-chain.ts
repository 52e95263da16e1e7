import { canonicalJson } from '@dlp/shared';
import { createHash } from 'node:crypto';
import type { AuditRecord } from '../store/store';

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** The row's stored columns except `hash`, named as in the table: what the hash covers. */
export function hashedColumns(row: Omit<AuditRecord, 'hash'>): Record<string, string | number | null> {
  return {
    id: row.id,
    at: row.at,
    actor_id: row.actorId,
    actor_username: row.actorUsername,
    actor_role: row.actorRole,
    actor_system: row.actorSystem,
    action: row.action,
    target_type: row.targetType,
    target_id: row.targetId,
    before_json: row.beforeJson,
    after_json: row.afterJson,
    source_ip: row.sourceIp,
    prev_hash: row.prevHash,
  };
}

/**
 * `hash = sha256hex(prev_hash || canonicalJson(row without hash))`, with `||` plain string
 * concatenation of the 64-character hex prev_hash and the UTF-8 canonical JSON.
 */
export function auditRowHash(row: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(row.prevHash, 'utf8').update(canonicalJson(hashedColumns(row)), 'utf8').digest('hex');
}

/** Why a row breaks the chain, or undefined when it links correctly to `previous`. */
export function chainBreak(row: AuditRecord, previous: AuditRecord | undefined): string | undefined {
  const expectedId = (previous?.id ?? 0) + 1;
  if (row.id !== expectedId) return `row ${expectedId} is missing (next row is ${row.id})`;
  const expectedPrev = previous?.hash ?? GENESIS_HASH;
  if (row.prevHash !== expectedPrev) return 'prev_hash does not match the previous row\'s hash';
  if (auditRowHash(row) !== row.hash) return 'hash does not match the row\'s contents';
  return undefined;
}
