import type { StoredEvent } from '@dlp/shared';
import type { SqlParam } from '@dlp/shared/node';
import { RollupDeltas } from '../sql/event-rollup-queries';
import { eventTimeMs, INSERT_COLUMNS, pushEventRow, rollupInput } from '../sql/event-queries';
import { isUniqueViolation } from '../store-errors';
import { copyRow } from './pg-copy-text';
import type { PgStatements } from './pg-statements';

/** The stored columns, in the order of each COPY row (row_id is generated: the ingest order). */
const COPY_EVENTS_SQL = `COPY events (${INSERT_COLUMNS.join(', ')}) FROM STDIN`;

const SAVEPOINT = 'ingest_copy';

/** Statements that can COPY: those of a transaction. */
export type PgCopyStatements = PgStatements & Required<Pick<PgStatements, 'copyFrom'>>;

/** The group of each agent now (stored on its events, as the unnest statement's join does). */
async function groupsOf(sql: PgStatements, events: readonly StoredEvent[]): Promise<Map<string, string>> {
  const ids = [...new Set(events.map((e) => e.agentId))];
  const rows = await sql.all<{ id: string; group_id: string }>('SELECT id, group_id FROM agents WHERE id = ANY(?::text[])', [ids]);
  return new Map(rows.map((row) => [row.id, row.group_id]));
}

/**
 * The fast path of ingest: COPY every event straight into `events`, then add the batch's roll-up
 * deltas. COPY has no ON CONFLICT, so it runs under a savepoint: when a row is already stored (a
 * redelivery) or the batch holds one (agent, seq) twice, the unique violation rolls back to the
 * savepoint and this returns false, and the caller inserts through the statement that skips
 * duplicates. True: every event was stored, in batch order, and counted once. Any other error
 * (a deadlock, a lost connection) is thrown: the whole transaction is redone or fails.
 */
export async function copyEvents(sql: PgCopyStatements, events: readonly StoredEvent[]): Promise<boolean> {
  const groups = await groupsOf(sql, events);
  const deltas = new RollupDeltas();
  const rows: string[] = new Array<string>(events.length);
  events.forEach((event, i) => {
    const occurredAtMs = eventTimeMs(event);
    const rollup = rollupInput(event, occurredAtMs);
    deltas.add(rollup);
    const values: SqlParam[] = [];
    pushEventRow(values, event, occurredAtMs, groups.get(event.agentId) ?? null, rollup);
    rows[i] = copyRow(values);
  });
  await sql.exec(`SAVEPOINT ${SAVEPOINT}`);
  try {
    await sql.copyFrom(COPY_EVENTS_SQL, Buffer.from(rows.join(''), 'utf8'));
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    await sql.exec(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}`);
    return false;
  }
  await sql.exec(`RELEASE SAVEPOINT ${SAVEPOINT}`);
  // Same transaction as the rows: a committed event is always counted, exactly once.
  await deltas.write(sql);
  return true;
}
