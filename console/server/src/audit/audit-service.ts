import { canonicalJson, type AuditActor, type AuditEntry, type AuditExportQuery, type AuditQuery, type AuditVerifyResult, type Page, type Role } from '@dlp/shared';
import type { AuditFilter, AuditRecord, ConsoleStore, StoreTransaction } from '../store/store';
import { auditRowHash, chainBreak, GENESIS_HASH } from './audit-chain';
import { decodeRowCursor, encodeRowCursor } from '../service-kit/cursor';
import { redactSecrets } from '../logging/redact-secrets';

/** What a caller tells the audit log; time, id and hashes are added by the service. */
export interface AuditEntryInput {
  /** A person or API token (with the role it acted in), or the console itself (`{ system: 'first-start' }`). */
  actor: { id: string; username: string; role: Role } | { system: string };
  /** Dotted verb: `policy.publish`, `user.update`, `auth.login_failed`… */
  action: string;
  target: { type: string; id: string } | null;
  /** State before and after the change; secrets are redacted before storing. */
  before?: unknown;
  after?: unknown;
  sourceIp: string | null;
}

/** Rows read per page when walking the whole chain (verify, export). */
const WALK_PAGE = 500;

function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : canonicalJson(redactSecrets(value));
}

function toActor(record: AuditRecord): AuditActor {
  if (record.actorSystem !== null) return { kind: 'system', system: record.actorSystem };
  return { kind: 'user', id: record.actorId ?? '', username: record.actorUsername ?? '', role: record.actorRole ?? 'auditor' };
}

/** The API view of a stored row. */
export function toAuditEntry(record: AuditRecord): AuditEntry {
  const entry: AuditEntry = {
    id: record.id,
    at: record.at,
    actor: toActor(record),
    action: record.action,
    target: record.targetType !== null && record.targetId !== null ? { type: record.targetType, id: record.targetId } : null,
    sourceIp: record.sourceIp,
    prevHash: record.prevHash,
    hash: record.hash,
  };
  if (record.beforeJson !== null) entry.before = JSON.parse(record.beforeJson) as unknown;
  if (record.afterJson !== null) entry.after = JSON.parse(record.afterJson) as unknown;
  return entry;
}

function toFilter(query: AuditExportQuery, limit: number): AuditFilter {
  const filter: AuditFilter = { limit };
  // Stored times are Date#toISOString output, so comparing normalised ISO text compares instants.
  if (query.from !== undefined) filter.fromAt = new Date(query.from).toISOString();
  if (query.to !== undefined) filter.toAt = new Date(query.to).toISOString();
  if (query.actor !== undefined) filter.actor = query.actor;
  if (query.action !== undefined) {
    if (query.action.endsWith('.')) filter.actionPrefix = query.action;
    else filter.action = query.action;
  }
  if (query.targetType !== undefined) filter.targetType = query.targetType;
  if (query.targetId !== undefined) filter.targetId = query.targetId;
  return filter;
}

/**
 * The tamper-evident audit log: append (hash-chained, inside a transaction so concurrent writers
 * cannot fork the chain), query, verify and export.
 */
export class AuditService {
  constructor(private readonly store: ConsoleStore) {}

  /**
   * Appends one row. Pass `tx` when the audited change runs in a transaction, so the change and
   * its audit row commit together; without `tx` the row gets a transaction of its own (never call
   * it without `tx` from inside another transaction: it would wait for that one forever).
   */
  async record(entry: AuditEntryInput, tx?: StoreTransaction): Promise<void> {
    if (tx) await this.append(entry, tx);
    else await this.store.transaction((inner) => this.append(entry, inner));
  }

  async query(query: AuditQuery): Promise<Page<AuditEntry>> {
    const filter = toFilter(query, query.limit + 1);
    if (query.cursor !== undefined) filter.beforeId = decodeRowCursor(query.cursor);
    const rows = await this.store.audit.query(filter);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page.map(toAuditEntry), nextCursor: rows.length > query.limit && last ? encodeRowCursor(last.id) : null };
  }

  /** Oldest first (chain order), in bounded pages, for streaming an export of any size. */
  async *exportRows(query: AuditExportQuery): AsyncGenerator<AuditEntry> {
    let afterId = 0;
    for (;;) {
      const rows = await this.store.audit.query({ ...toFilter(query, WALK_PAGE), afterId, order: 'asc' });
      for (const row of rows) yield toAuditEntry(row);
      const last = rows[rows.length - 1];
      if (rows.length < WALK_PAGE || !last) return;
      afterId = last.id;
    }
  }

  /** Walks the chain from the first row; reports the first row whose link or hash is wrong. */
  async verify(): Promise<AuditVerifyResult> {
    let previous: AuditRecord | undefined;
    let rows = 0;
    for (;;) {
      const page = await this.store.audit.listAfter(previous?.id ?? 0, WALK_PAGE);
      for (const row of page) {
        const reason = chainBreak(row, previous);
        if (reason !== undefined) return { ok: false, firstBrokenId: row.id, reason };
        previous = row;
        rows += 1;
      }
      if (page.length < WALK_PAGE) break;
    }
    return { ok: true, rows, headHash: previous?.hash ?? GENESIS_HASH };
  }

  private async append(entry: AuditEntryInput, tx: StoreTransaction): Promise<void> {
    const head = await tx.audit.last();
    const actor = entry.actor;
    const isSystem = 'system' in actor;
    const row: Omit<AuditRecord, 'hash'> = {
      id: (head?.id ?? 0) + 1,
      at: new Date().toISOString(),
      actorId: isSystem ? null : actor.id,
      actorUsername: isSystem ? null : actor.username,
      actorRole: isSystem ? null : actor.role,
      actorSystem: isSystem ? actor.system : null,
      action: entry.action,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      beforeJson: jsonOrNull(entry.before),
      afterJson: jsonOrNull(entry.after),
      sourceIp: entry.sourceIp,
      prevHash: head?.hash ?? GENESIS_HASH,
    };
    await tx.audit.append({ ...row, hash: auditRowHash(row) });
  }
}
