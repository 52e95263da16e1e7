import type { AuditRepository } from '../store';
import type { ExceptionRecord, ExceptionRepository } from '../lifecycle-store';
import { sqlAuditRepository } from '../sql/audit-queries';
import { sqlExceptionRepository } from '../sql/exception-queries';
import type { PgStatements } from './pg-statements';

/** Advisory-lock key serialising audit appends across connections and nodes. */
const AUDIT_CHAIN_LOCK = 0x646c7061; // "dlpa"

/**
 * The portable audit repository plus one PostgreSQL rule: reading the chain's head takes a
 * transaction-scoped advisory lock, so two transactions (on any nodes) cannot both extend the same
 * head. SQLite gets this for free by having a single writer. Outside a transaction the lock is
 * released as soon as the statement ends, which is harmless.
 */
export function pgAuditRepository(sql: PgStatements): AuditRepository {
  const portable = sqlAuditRepository(sql);
  return {
    ...portable,
    async last() {
      await sql.run('SELECT pg_advisory_xact_lock(?)', [AUDIT_CHAIN_LOCK]);
      return portable.last();
    },
  };
}

/** The portable exception repository; only the null-safe comparison needs PostgreSQL's spelling. */
export function pgExceptionRepository(sql: PgStatements): ExceptionRepository {
  const portable = sqlExceptionRepository(sql);
  return {
    ...portable,
    async unconfirmedRevokesForAgent(agentId, nowMs): Promise<ExceptionRecord[]> {
      const ids = await sql.all<{ id: string }>(
        `SELECT id FROM exceptions
          WHERE agent_id = ? AND state = 'revoked' AND serial IS NOT NULL AND expires_at_ms > ?
            AND NOT (delivery_action IS NOT DISTINCT FROM 'revoke' AND delivery_status IS NOT DISTINCT FROM 'applied')
          ORDER BY serial`,
        [agentId, nowMs],
      );
      const records = await Promise.all(ids.map((row) => portable.findById(row.id)));
      return records.filter((r): r is ExceptionRecord => r !== undefined);
    },
  };
}
